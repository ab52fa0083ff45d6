import GatewayWire

/// Writes a `ChatScript` as the container would: vLLM's `chat.completion` object, or its stream of
/// `chat.completion.chunk`s framed as SSE (`data: ...\n\n`, then `data: [DONE]`) or as JSON lines (LMI).
struct ChatRenderer {
    var script: ChatScript
    var id: String
    var created: Int

    /// One moment of the stream: wait `delay` seconds, then send `events` (each a complete SSE event or JSON line).
    /// A step with `failure` ends the stream with that container failure after its events.
    struct Step {
        var delay: Double
        var events: [[UInt8]]
        var failure: String?
    }

    var contentType: String {
        guard script.stream else { return "application/json" }
        return script.framing == .sse ? "text/event-stream" : "application/jsonlines"
    }

    /// The steps of a streamed answer, in order. The last step is the one that ends it. Each step holds one
    /// chunk per choice, as vLLM streams `n` choices: separate chunks, each with one indexed choice.
    func steps() -> [Step] {
        let choices = 0..<script.choiceCount
        var steps = [
            Step(
                delay: 0,
                events: choices.map {
                    event(chunk(choice: $0, delta: [("role", .string("assistant")), ("content", .string(""))]))
                })
        ]
        var first = true
        func add(_ delta: (Int) -> [(String, JSONValue)]) {
            steps.append(
                Step(
                    delay: first ? script.firstTokenDelay : script.tokenDelay,
                    events: choices.map { event(chunk(choice: $0, delta: delta($0))) }))
            first = false
        }
        for token in script.reasoningTokens {
            add { _ in script.reasoningFields.map { ($0, .string(token)) } }
        }
        let produced = script.failAfter ?? script.tokens.count
        for token in script.tokens.prefix(produced) {
            add { _ in [("content", .string(token))] }
        }
        if script.failAfter != nil {
            steps.append(
                Step(
                    delay: first ? script.firstTokenDelay : script.tokenDelay, events: [],
                    failure: "Model stream failed after \(produced) tokens (emulated fail_after)."))
            return steps
        }
        for (index, call) in script.toolCalls.enumerated() {
            add { choice in
                let head: JSONValue = .object([
                    ("index", .int(index)), ("id", .string(toolCallID(choice: choice, index: index))),
                    ("type", .string("function")), ("function", .object([("name", .string(call.name))])),
                ])
                return [("tool_calls", .array([head]))]
            }
            for fragment in call.fragments {
                add { _ in
                    let part: JSONValue = .object([
                        ("index", .int(index)), ("function", .object([("arguments", .string(fragment))])),
                    ])
                    return [("tool_calls", .array([part]))]
                }
            }
        }
        var closing = choices.map { event(chunk(choice: $0, delta: [], finishReason: script.finishReason)) }
        if script.includeUsage { closing.append(event(usageChunk(completionTokens: generatedTokens(produced)))) }
        if script.framing == .sse { closing.append(Array("data: [DONE]\n\n".utf8)) }
        steps.append(Step(delay: 0, events: closing))
        return steps
    }

    /// vLLM names calls `chatcmpl-tool-<random>`; these are unique per answer, choice and call.
    func toolCallID(choice: Int, index: Int) -> String {
        let suffix = id.hasPrefix("chatcmpl-") ? String(id.dropFirst("chatcmpl-".count)) : id
        return "chatcmpl-tool-\(suffix)-\(choice)-\(index)"
    }

    /// Completion tokens over every choice: reasoning, text, and one per tool-call fragment.
    private func generatedTokens(_ produced: Int) -> Int {
        let perChoice =
            script.reasoningTokens.count + produced + script.toolCalls.reduce(0) { $0 + $1.fragments.count }
        return perChoice * script.choiceCount
    }

    /// The buffered answer, as `stream: false` gets it; the streamed bytes concatenated when `stream: true`.
    func completeBody() -> [UInt8] {
        if script.stream { return steps().flatMap { $0.events.flatMap { $0 } } }
        let choices = (0..<script.choiceCount).map { choice -> JSONValue in
            .object([
                ("index", .int(choice)),
                ("message", .object(message(choice: choice))),
                ("logprobs", .null),
                ("finish_reason", .string(script.finishReason)),
            ])
        }
        let completion: JSONValue = .object([
            ("id", .string(id)),
            ("object", .string("chat.completion")),
            ("created", .int(created)),
            ("model", .string(script.model)),
            ("choices", .array(choices)),
            ("usage", usage(completionTokens: generatedTokens(script.tokens.count))),
        ])
        return JSONWriter.bytes(completion)
    }

    /// vLLM's message: reasoning first, `content` null when the model only calls tools.
    private func message(choice: Int) -> [(String, JSONValue)] {
        var message: [(String, JSONValue)] = [("role", .string("assistant"))]
        if !script.reasoningTokens.isEmpty {
            let reasoning = script.reasoningTokens.joined()
            message += script.reasoningFields.map { ($0, .string(reasoning)) }
        }
        guard !script.toolCalls.isEmpty else {
            message.append(("content", .string(script.tokens.joined())))
            return message
        }
        message.append(("content", .null))
        let calls = script.toolCalls.enumerated().map { index, call -> JSONValue in
            .object([
                ("id", .string(toolCallID(choice: choice, index: index))), ("type", .string("function")),
                ("function", .object([("name", .string(call.name)), ("arguments", .string(call.arguments))])),
            ])
        }
        message.append(("tool_calls", .array(calls)))
        return message
    }

    /// Total time the buffered answer takes, the sum of the stream's delays.
    var totalDelay: Double {
        let n =
            (script.failAfter ?? script.tokens.count) + script.reasoningTokens.count
            + script.toolCalls.reduce(0) { $0 + 1 + $1.fragments.count }
        guard n > 0 else { return script.firstTokenDelay }
        return script.firstTokenDelay + Double(n - 1) * script.tokenDelay
    }

    private func chunk(choice: Int = 0, delta: [(String, JSONValue)], finishReason: String? = nil) -> JSONValue {
        .object([
            ("id", .string(id)),
            ("object", .string("chat.completion.chunk")),
            ("created", .int(created)),
            ("model", .string(script.model)),
            (
                "choices",
                .array([
                    .object([
                        ("index", .int(choice)),
                        ("delta", .object(delta)),
                        ("logprobs", .null),
                        ("finish_reason", finishReason.map(JSONValue.string) ?? .null),
                    ])
                ])
            ),
        ])
    }

    private func usageChunk(completionTokens: Int) -> JSONValue {
        .object([
            ("id", .string(id)),
            ("object", .string("chat.completion.chunk")),
            ("created", .int(created)),
            ("model", .string(script.model)),
            ("choices", .array([])),
            ("usage", usage(completionTokens: completionTokens)),
        ])
    }

    private func usage(completionTokens: Int) -> JSONValue {
        .object([
            ("prompt_tokens", .int(script.promptTokens)),
            ("total_tokens", .int(script.promptTokens + completionTokens)),
            ("completion_tokens", .int(completionTokens)),
        ])
    }

    private func event(_ value: JSONValue) -> [UInt8] {
        switch script.framing {
        case .sse: return Array("data: ".utf8) + JSONWriter.bytes(value) + Array("\n\n".utf8)
        case .jsonLines: return JSONWriter.bytes(value) + [0x0A]
        }
    }
}
