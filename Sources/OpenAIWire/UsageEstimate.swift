import GatewayWire

/// Token counts for when the container reports none (many do not in streams). Without the model's
/// tokenizer these are approximations, documented as such: a delta event is about one token, and
/// prompt text is about four UTF-8 bytes per token (OpenAI's own rule of thumb for English).
package enum UsageEstimate {
    /// About one token per four bytes of the messages' text, plus a few tokens of chat-template
    /// framing per message.
    package static func promptTokens(for messages: [JSONValue]) -> Int {
        var bytes = 0
        for message in messages {
            bytes += textBytes(message["content"] ?? .null)
        }
        return (bytes + 3) / 4 + 4 * messages.count
    }

    private static func textBytes(_ content: JSONValue) -> Int {
        switch content {
        case .string(let s): return s.utf8.count
        case .array(let parts): return parts.reduce(0) { $0 + (($1["text"]?.stringValue)?.utf8.count ?? 0) }
        default: return 0
        }
    }

    /// Is this event one generated token's worth of output?
    static func countsAsCompletionToken(_ event: ModelEvent) -> Bool {
        switch event {
        case .content, .reasoning, .toolCall: return true
        case .finish, .usage, .logprobs: return false
        }
    }

    static func json(_ usage: Usage) -> JSONValue {
        .object([
            ("prompt_tokens", .int(usage.promptTokens)),
            ("completion_tokens", .int(usage.completionTokens)),
            ("total_tokens", .int(usage.totalTokens)),
        ])
    }
}
