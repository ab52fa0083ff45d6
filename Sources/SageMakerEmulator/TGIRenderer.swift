import GatewayWire

/// Writes a `TGIScript` as TGI does: `generate_stream`'s SSE (`data:{"index","token","generated_text",
/// "details"}` per token, no `[DONE]`, the end-of-sequence token marked `special` with the details on the last
/// event) or `generate`'s `[{"generated_text", "details"}]` (SageMaker's containers answer with a list).
/// https://huggingface.github.io/text-generation-inference/#/Text%20Generation%20Inference/generate_stream
struct TGIRenderer {
    var script: TGIScript

    var contentType: String { script.stream ? "text/event-stream" : "application/json" }

    /// A deterministic token id per position (TGI's would be the tokenizer's).
    private func token(_ index: Int, _ text: String, special: Bool = false) -> JSONValue {
        .object([
            ("id", .int(special ? 2 : 1000 + index)), ("text", .string(text)),
            ("logprob", .number(special ? "0.0" : "-0.25")), ("special", .bool(special)),
        ])
    }

    private var streamDetails: JSONValue {
        var members: [(String, JSONValue)] = [
            ("finish_reason", .string(script.finishReason)),
            ("generated_tokens", .int(script.generatedTokens)),
            ("seed", script.seed.map { JSONValue.int($0) } ?? .null),
        ]
        if script.reportsInputLength { members.append(("input_length", .int(script.inputLength))) }
        return .object(members)
    }

    /// The steps of a streamed answer; the last one ends it.
    func steps() -> [ChatRenderer.Step] {
        let produced = script.failAfter ?? script.tokens.count
        let eos = script.failAfter == nil && script.finishReason == "eos_token"
        var steps: [ChatRenderer.Step] = []
        for (i, text) in script.tokens.prefix(produced).enumerated() {
            let last = !eos && script.failAfter == nil && i == produced - 1
            steps.append(
                ChatRenderer.Step(
                    delay: i == 0 ? script.firstTokenDelay : script.tokenDelay,
                    events: [event(index: i + 1, token: token(i, text), last: last)]))
        }
        if let failAfter = script.failAfter {
            let error: JSONValue = .object([
                ("error", .string("Request failed during generation: emulated fail_after \(failAfter)")),
                ("error_type", .string("generation")),
            ])
            steps.append(ChatRenderer.Step(delay: script.tokenDelay, events: [frame(error)]))
        } else if eos {
            steps.append(
                ChatRenderer.Step(
                    delay: produced == 0 ? script.firstTokenDelay : script.tokenDelay,
                    events: [
                        event(
                            index: produced + 1, token: token(produced, TGIScript.eosToken, special: true), last: true)
                    ]))
        }
        return steps
    }

    private func event(index: Int, token: JSONValue, last: Bool) -> [UInt8] {
        frame(
            .object([
                ("index", .int(index)), ("token", token), ("top_tokens", .null),
                ("generated_text", last ? .string(script.tokens.joined()) : .null),
                ("details", last ? streamDetails : .null),
            ]))
    }

    /// TGI writes `data:` without a space.
    private func frame(_ value: JSONValue) -> [UInt8] {
        Array("data:".utf8) + JSONWriter.bytes(value) + Array("\n\n".utf8)
    }

    /// The buffered answer; the streamed bytes concatenated when the body asked for a stream.
    func completeBody() -> [UInt8] {
        if script.stream { return steps().flatMap { $0.events.flatMap { $0 } } }
        let text = (script.returnFullText ? script.inputs : "") + script.tokens.joined()
        var answer: [(String, JSONValue)] = [("generated_text", .string(text))]
        if script.details {
            var tokens = script.tokens.enumerated().map { token($0.offset, $0.element) }
            if script.finishReason == "eos_token" {
                tokens.append(token(script.tokens.count, TGIScript.eosToken, special: true))
            }
            // `generate`'s details have no `input_length` (only stream details do).
            answer.append(
                (
                    "details",
                    .object([
                        ("finish_reason", .string(script.finishReason)),
                        ("generated_tokens", .int(script.generatedTokens)),
                        ("seed", script.seed.map { JSONValue.int($0) } ?? .null),
                        ("prefill", .array([])),
                        ("tokens", .array(tokens)),
                    ])
                ))
        }
        return JSONWriter.bytes(.array([.object(answer)]))
    }

    var totalDelay: Double {
        let n = script.failAfter ?? script.tokens.count
        guard n > 0 else { return script.firstTokenDelay }
        return script.firstTokenDelay + Double(n - 1) * script.tokenDelay
    }
}
