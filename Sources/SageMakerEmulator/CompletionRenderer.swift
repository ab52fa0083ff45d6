import GatewayWire

/// Writes a `CompletionScript` as vLLM does: one `text_completion` object, or its stream of
/// `text_completion` chunks (`choices[].text`) framed as SSE with `[DONE]` or as JSON lines. With `logprobs`,
/// each token carries `tokens`, `token_logprobs`, `top_logprobs` and `text_offset` (offsets from the start
/// of the choice's text); the values are fixed binary fractions so a test can predict them.
struct CompletionRenderer {
    var script: CompletionScript
    var id: String
    var created: Int

    private var first: ChatScript { script.first }

    var contentType: String {
        guard first.stream else { return "application/json" }
        return first.framing == .sse ? "text/event-stream" : "application/jsonlines"
    }

    /// `-(i mod 7 + 1) / 8` for the i-th token of a choice; alternatives are one lower each.
    static func logprob(_ i: Int) -> Double { -Double(i % 7 + 1) / 8 }

    func steps() -> [ChatRenderer.Step] {
        var steps: [ChatRenderer.Step] = []
        var firstToken = true
        var usageTokens = 0
        for (index, choice) in script.choices.enumerated() {
            let produced = index == 0 ? (first.failAfter ?? choice.tokens.count) : choice.tokens.count
            var offset = 0
            for (i, token) in choice.tokens.prefix(produced).enumerated() {
                let delay = firstToken ? first.firstTokenDelay : first.tokenDelay
                firstToken = false
                steps.append(
                    ChatRenderer.Step(
                        delay: delay,
                        events: [event(chunk(index, text: token, logprobs: logprobs([token], from: i, offset: offset)))]
                    ))
                offset += token.utf8.count
            }
            usageTokens += produced
            if index == 0, first.failAfter != nil {
                steps.append(
                    ChatRenderer.Step(
                        delay: produced == 0 ? first.firstTokenDelay : first.tokenDelay, events: [],
                        failure: "Model stream failed after \(produced) tokens (emulated fail_after)."))
                return steps
            }
        }
        var closing = script.choices.enumerated().map { index, choice in
            event(chunk(index, text: "", logprobs: .null, finishReason: choice.finishReason))
        }
        if first.includeUsage {
            closing.append(event(envelope(choices: [], usage: usage(completionTokens: usageTokens))))
        }
        if first.framing == .sse { closing.append(Array("data: [DONE]\n\n".utf8)) }
        steps.append(ChatRenderer.Step(delay: 0, events: closing))
        return steps
    }

    func completeBody() -> [UInt8] {
        if first.stream { return steps().flatMap { $0.events.flatMap { $0 } } }
        let choices = script.choices.enumerated().map { index, choice -> JSONValue in
            .object([
                ("index", .int(index)),
                ("text", .string(choice.tokens.joined())),
                ("logprobs", logprobs(choice.tokens, from: 0, offset: 0)),
                ("finish_reason", .string(choice.finishReason)),
                ("stop_reason", .null),
            ])
        }
        let generated = script.choices.reduce(0) { $0 + $1.tokens.count }
        return JSONWriter.bytes(envelope(choices: choices, usage: usage(completionTokens: generated)))
    }

    var totalDelay: Double {
        steps().reduce(0) { $0 + $1.delay }
    }

    private func logprobs(_ tokens: [String], from start: Int, offset: Int) -> JSONValue {
        guard let k = script.logprobs else { return .null }
        var offsets: [JSONValue] = []
        var position = offset
        for token in tokens {
            offsets.append(.int(position))
            position += token.utf8.count
        }
        let values = tokens.indices.map { Self.logprob(start + $0) }
        let top = zip(tokens, values).map { token, value -> JSONValue in
            .object([(token, .double(value))] + (1..<max(1, k)).map { ("<alt\($0)>", .double(value - Double($0))) })
        }
        return .object([
            ("text_offset", .array(offsets)),
            ("token_logprobs", .array(values.map(JSONValue.double))),
            ("tokens", .array(tokens.map(JSONValue.string))),
            ("top_logprobs", .array(top)),
        ])
    }

    private func chunk(_ index: Int, text: String, logprobs: JSONValue, finishReason: String? = nil) -> JSONValue {
        envelope(
            choices: [
                .object([
                    ("index", .int(index)),
                    ("text", .string(text)),
                    ("logprobs", logprobs),
                    ("finish_reason", finishReason.map(JSONValue.string) ?? .null),
                    ("stop_reason", .null),
                ])
            ], usage: nil)
    }

    private func envelope(choices: [JSONValue], usage: JSONValue?) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .string(id)),
            ("object", .string("text_completion")),
            ("created", .int(created)),
            ("model", .string(first.model)),
            ("choices", .array(choices)),
        ]
        if let usage { members.append(("usage", usage)) }
        return .object(members)
    }

    private func usage(completionTokens: Int) -> JSONValue {
        let prompt = stride(from: 0, to: script.choices.count, by: script.n).reduce(0) {
            $0 + script.choices[$1].promptTokens
        }
        return .object([
            ("prompt_tokens", .int(prompt)),
            ("total_tokens", .int(prompt + completionTokens)),
            ("completion_tokens", .int(completionTokens)),
        ])
    }

    private func event(_ value: JSONValue) -> [UInt8] {
        switch first.framing {
        case .sse: return Array("data: ".utf8) + JSONWriter.bytes(value) + Array("\n\n".utf8)
        case .jsonLines: return JSONWriter.bytes(value) + [0x0A]
        }
    }
}
