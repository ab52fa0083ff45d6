/// OpenAI's `finish_reason` as Anthropic's `stop_reason`.
/// https://docs.anthropic.com/en/api/handling-stop-reasons
///
/// `stop` is `end_turn`: an OpenAI-format container says `stop` both for the end of a turn and for a
/// matched stop sequence and does not say which sequence matched, so `stop_sequence` stays null.
package enum AnthropicStopReason {
    package static func from(finishReason: String?, sawToolUse: Bool) -> String {
        switch finishReason {
        case "length": return "max_tokens"
        case "tool_calls", "function_call": return "tool_use"
        case "content_filter": return "refusal"
        default: return sawToolUse ? "tool_use" : "end_turn"
        }
    }
}
