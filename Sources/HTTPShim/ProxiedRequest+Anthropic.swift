import AnthropicWire
import GatewayWire
import OpenAIWire
import ShimCore

/// Anthropic's Messages API on the chat path: the request went to the translator as a chat completion;
/// here its events become Anthropic's `message` or SSE events, its errors Anthropic's error objects.
extension ProxiedRequest {
    func receivedAnthropic(_ message: TranslatorMessage) {
        switch (operation, message) {
        case (_, .error(let error)):
            fail(error)
        case (.messages(let chat), .accepted):
            if chat.stream {
                beginStreaming()
                send(anthropicStream.start())
            }
        case (.messages(let chat), .event(let event)):
            if chat.stream {
                beginStreaming()
                send(anthropicStream.render(event))
            } else {
                anthropicAssembler.add(event)
            }
        case (.messages(let chat), .end):
            if chat.stream {
                beginStreaming()
                send(anthropicStream.finish())
                finishStream()
            } else {
                respond(status: 200, body: anthropicAssembler.bytes())
            }
        case (.countTokens(let chat), .models):
            // The key is good (the translator listed its models): the count is the gateway's estimate.
            respond(status: 200, body: AnthropicUsage.countTokensBody(chat))
        default:
            fail(GatewayError(.internalError, "The gateway's internal protocol failed."))
        }
    }

    /// Before any byte went out: the error object of the API the client speaks.
    func errorResponse(for error: GatewayError) -> OpenAIErrorResponse {
        isAnthropic ? AnthropicErrorMapper.response(for: error) : OpenAIErrorMapper.response(for: error)
    }

    /// After the stream started: Anthropic's `error` event, or OpenAI's `data: {"error": ...}`.
    func streamErrorEvent(_ error: GatewayError) -> [UInt8] {
        isAnthropic ? AnthropicServerSentEvents.error(error) : ChatChunkStream.errorEvent(error)
    }

    /// Anthropic's keep-alive is a `ping` event, after `message_start` as Anthropic orders them (a stream
    /// still waiting for SageMaker's first byte commits to it here); OpenAI's is an SSE comment.
    func keepAliveEvent() -> [UInt8] {
        guard case .messages = operation else { return ChatChunkStream.keepAlive() }
        return anthropicStream.start() + AnthropicServerSentEvents.ping
    }

    private var isAnthropic: Bool { operation.isAnthropic }

    func makeAnthropicStream() -> AnthropicEventStream {
        guard case .messages(let chat) = operation else {
            return AnthropicEventStream(id: "", model: "", inputTokenEstimate: 0)
        }
        return AnthropicEventStream(
            id: AnthropicMessageID.message(), model: chat.model,
            inputTokenEstimate: AnthropicUsage.inputTokenEstimate(chat))
    }

    func makeAnthropicAssembler() -> AnthropicMessageAssembler {
        guard case .messages(let chat) = operation else {
            return AnthropicMessageAssembler(id: "", model: "", inputTokenEstimate: 0)
        }
        return AnthropicMessageAssembler(
            id: AnthropicMessageID.message(), model: chat.model,
            inputTokenEstimate: AnthropicUsage.inputTokenEstimate(chat))
    }
}
