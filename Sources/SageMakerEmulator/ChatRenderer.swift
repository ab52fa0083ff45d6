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

    /// The steps of a streamed answer, in order. The last step is the one that ends it.
    func steps() -> [Step] {
        var steps = [
            Step(delay: 0, events: [event(chunk(delta: [("role", .string("assistant")), ("content", .string(""))]))])
        ]
        let produced = script.failAfter ?? script.tokens.count
        for (i, token) in script.tokens.prefix(produced).enumerated() {
            let delay = i == 0 ? script.firstTokenDelay : script.tokenDelay
            steps.append(Step(delay: delay, events: [event(chunk(delta: [("content", .string(token))]))]))
        }
        if script.failAfter != nil {
            let wait = produced == 0 ? script.firstTokenDelay : script.tokenDelay
            steps.append(
                Step(
                    delay: wait, events: [],
                    failure: "Model stream failed after \(produced) tokens (emulated fail_after)."))
            return steps
        }
        var closing = [event(chunk(delta: [], finishReason: script.finishReason))]
        if script.includeUsage { closing.append(event(usageChunk(completionTokens: produced))) }
        if script.framing == .sse { closing.append(Array("data: [DONE]\n\n".utf8)) }
        steps.append(Step(delay: 0, events: closing))
        return steps
    }

    /// The buffered answer, as `stream: false` gets it; the streamed bytes concatenated when `stream: true`.
    func completeBody() -> [UInt8] {
        if script.stream { return steps().flatMap { $0.events.flatMap { $0 } } }
        let text = script.tokens.joined()
        let completion: JSONValue = .object([
            ("id", .string(id)),
            ("object", .string("chat.completion")),
            ("created", .int(created)),
            ("model", .string(script.model)),
            (
                "choices",
                .array([
                    .object([
                        ("index", .int(0)),
                        ("message", .object([("role", .string("assistant")), ("content", .string(text))])),
                        ("logprobs", .null),
                        ("finish_reason", .string(script.finishReason)),
                    ])
                ])
            ),
            ("usage", usage(completionTokens: script.tokens.count)),
        ])
        return JSONWriter.bytes(completion)
    }

    /// Total time the buffered answer takes, the sum of the stream's delays.
    var totalDelay: Double {
        let n = script.failAfter ?? script.tokens.count
        guard n > 0 else { return script.firstTokenDelay }
        return script.firstTokenDelay + Double(n - 1) * script.tokenDelay
    }

    private func chunk(delta: [(String, JSONValue)], finishReason: String? = nil) -> JSONValue {
        .object([
            ("id", .string(id)),
            ("object", .string("chat.completion.chunk")),
            ("created", .int(created)),
            ("model", .string(script.model)),
            (
                "choices",
                .array([
                    .object([
                        ("index", .int(0)),
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
