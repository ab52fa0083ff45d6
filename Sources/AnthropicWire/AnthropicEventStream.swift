import GatewayWire

/// Renders a model's events as the SSE stream Anthropic sends for `stream: true`.
/// https://docs.anthropic.com/en/docs/build-with-claude/streaming
///
/// `message_start`; then per content block `content_block_start`, its deltas (`thinking_delta`,
/// `text_delta`, `input_json_delta`) and `content_block_stop`, one block closed before the next opens and
/// indices counting up from 0; then `message_delta` (stop reason, usage) and `message_stop`. Reasoning
/// becomes a `thinking` block with an empty `signature` (nothing here can sign it); each tool call a
/// `tool_use` block. Anthropic has no `n`: only choice 0 is rendered.
package struct AnthropicEventStream {
    package let id: String
    package let model: String
    /// Input tokens to report when the container sends no usage (see `AnthropicUsage`).
    package var inputTokenEstimate: Int

    private var blocks = AnthropicBlockSequence()
    private var started = false
    private var ended = false
    private var finishReason: String?
    private var reportedUsage: Usage?
    private var generatedEvents = 0

    package init(id: String, model: String, inputTokenEstimate: Int) {
        self.id = id
        self.model = model
        self.inputTokenEstimate = inputTokenEstimate
    }

    /// `message_start`, once: sent as soon as the translator accepted the request.
    package mutating func start() -> [UInt8] {
        guard !started else { return [] }
        started = true
        let message: JSONValue = .object([
            ("id", .string(id)),
            ("type", .string("message")),
            ("role", .string("assistant")),
            ("model", .string(model)),
            ("content", .array([])),
            ("stop_reason", .null),
            ("stop_sequence", .null),
            ("usage", AnthropicUsage.json(input: inputTokenEstimate, output: 0)),
        ])
        return Self.event("message_start", [("message", message)])
    }

    package mutating func render(_ event: ModelEvent) -> [UInt8] {
        guard !ended else { return [] }
        var out = start()
        switch event {
        case .content(0, let text) where !text.isEmpty:
            generatedEvents += 1
            out += open(.text) + delta([("type", .string("text_delta")), ("text", .string(text))])
        case .reasoning(0, let text) where !text.isEmpty:
            generatedEvents += 1
            out += open(.thinking) + delta([("type", .string("thinking_delta")), ("thinking", .string(text))])
        case .toolCall(0, let call):
            generatedEvents += 1
            out += open(.tool(call: call.index), id: call.id, name: call.name)
            if !call.arguments.isEmpty {
                out += delta([("type", .string("input_json_delta")), ("partial_json", .string(call.arguments))])
            }
        case .finish(0, let reason):
            finishReason = reason
        case .usage(let usage):
            reportedUsage = usage
        default:
            break
        }
        return out
    }

    /// Closes the open block, then `message_delta` and `message_stop`. Idempotent.
    package mutating func finish() -> [UInt8] {
        guard !ended else { return [] }
        var out = start() + close()
        ended = true
        let stopReason = AnthropicStopReason.from(finishReason: finishReason, sawToolUse: blocks.sawToolUse)
        out += Self.event(
            "message_delta",
            [
                ("delta", .object([("stop_reason", .string(stopReason)), ("stop_sequence", .null)])),
                ("usage", AnthropicUsage.json(input: usage.promptTokens, output: usage.completionTokens)),
            ])
        out += Self.event("message_stop", [])
        return out
    }

    /// The container's usage, else the estimates: input from the request, output one token per delta.
    package var usage: Usage {
        reportedUsage ?? Usage(promptTokens: inputTokenEstimate, completionTokens: generatedEvents)
    }

    private mutating func open(_ kind: AnthropicBlockSequence.Kind, id: String? = nil, name: String? = nil)
        -> [UInt8]
    {
        guard blocks.current != kind else { return [] }
        var out = close()
        let index = blocks.open(kind)
        let block: JSONValue
        switch kind {
        case .text: block = .object([("type", .string("text")), ("text", .string(""))])
        case .thinking:
            block = .object([("type", .string("thinking")), ("thinking", .string("")), ("signature", .string(""))])
        case .tool:
            block = .object([
                ("type", .string("tool_use")),
                ("id", .string(id ?? AnthropicMessageID.toolUse(messageID: self.id, block: index))),
                ("name", .string(name ?? "")),
                ("input", .object([])),
            ])
        }
        out += Self.event("content_block_start", [("index", .int(index)), ("content_block", block)])
        return out
    }

    private mutating func close() -> [UInt8] {
        guard let index = blocks.close() else { return [] }
        return Self.event("content_block_stop", [("index", .int(index))])
    }

    private func delta(_ members: [(String, JSONValue)]) -> [UInt8] {
        Self.event("content_block_delta", [("index", .int(blocks.index)), ("delta", .object(members))])
    }

    private static func event(_ type: String, _ members: [(String, JSONValue)]) -> [UInt8] {
        AnthropicServerSentEvents.event(type, .object([("type", .string(type))] + members))
    }
}
