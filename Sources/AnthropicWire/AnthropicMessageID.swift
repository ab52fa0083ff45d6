import OpenAIWire

/// Ids in Anthropic's shape: `msg_` and `toolu_` followed by 24 alphanumerics.
package enum AnthropicMessageID {
    package static func message() -> String {
        "msg_" + RequestID.random(count: 24)
    }

    /// A tool call the container gave no id: derived from the message id, so an answer is a pure function
    /// of its events and still unique per call.
    static func toolUse(messageID: String, block: Int) -> String {
        let suffix = messageID.hasPrefix("msg_") ? String(messageID.dropFirst(4)) : messageID
        return "toolu_\(suffix)\(block)"
    }
}
