import GatewayWire
import OpenAIWire

/// Token counts in Anthropic's `usage` shape, and the estimate used when the container reports none (and
/// for `/v1/messages/count_tokens`, which has no model tokenizer to ask): the gateway's chat estimate
/// (`UsageEstimate`: about four UTF-8 bytes a token, plus per-message framing) over the mapped messages,
/// plus the same rate over the tool definitions and the assistant turns' tool-call arguments.
package enum AnthropicUsage {
    package static func inputTokenEstimate(_ chat: ChatRequest) -> Int {
        var extraBytes = 0
        if let tools = chat.parameter("tools") { extraBytes += JSONWriter.bytes(tools).count }
        for message in chat.messages {
            for call in message["tool_calls"]?.arrayValue ?? [] {
                extraBytes += call["function"]?["name"]?.stringValue?.utf8.count ?? 0
                extraBytes += call["function"]?["arguments"]?.stringValue?.utf8.count ?? 0
            }
        }
        return UsageEstimate.promptTokens(for: chat.messages) + (extraBytes + 3) / 4
    }

    package static func json(input: Int, output: Int) -> JSONValue {
        .object([("input_tokens", .int(input)), ("output_tokens", .int(output))])
    }

    /// `/v1/messages/count_tokens`' answer.
    package static func countTokensBody(_ chat: ChatRequest) -> [UInt8] {
        JSONWriter.bytes(.object([("input_tokens", .int(inputTokenEstimate(chat)))]))
    }
}
