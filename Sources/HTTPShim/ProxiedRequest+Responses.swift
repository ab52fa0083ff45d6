import GatewayWire
import OpenAIWire
import ResponsesWire

/// `POST /v1/responses`: the translator answers an ordinary chat request (`accepted`, `event`*, `end`);
/// the Responses API's `response` object and stream events are rendered here (ResponsesWire).
extension ProxiedRequest {
    func received(_ message: TranslatorMessage, for request: ResponsesRequest) {
        switch message {
        case .accepted:
            guard request.chat.stream else { return }
            beginStreaming()
            send(responseStream.start())
        case .event(let event):
            if request.chat.stream {
                beginStreaming()
                send(responseStream.render(event))
            } else {
                responseAssembler.add(event)
            }
        case .end:
            if request.chat.stream {
                beginStreaming()
                send(responseStream.finish(completedAt: shim.unixTime()))
                finishStream()
            } else {
                respond(status: 200, body: responseAssembler.bytes(completedAt: shim.unixTime()))
            }
        default:
            break
        }
    }

    /// After the 200 went out: an `error` event and `response.failed`, then the stream ends.
    func failResponseStream(_ error: GatewayError) {
        send(responseStream.fail(error))
        finishStream()
    }

    func makeResponseStream() -> ResponseEventStream {
        ResponseEventStream(response: responseObject, promptTokenEstimate: promptTokenEstimate)
    }

    func makeResponseAssembler() -> ResponseAssembler {
        ResponseAssembler(response: responseObject, promptTokenEstimate: promptTokenEstimate)
    }

    private var responsesRequest: ResponsesRequest? {
        if case .responses(let r) = operation { return r }
        return nil
    }

    /// Created lazily, once, by whichever renderer the request uses.
    private var responseObject: ResponseObject {
        ResponseObject(
            id: ResponseObject.makeID(), createdAt: created, model: responsesRequest?.chat.model ?? "",
            echo: responsesRequest?.echo ?? ResponseEcho())
    }

    private var promptTokenEstimate: Int { UsageEstimate.promptTokens(for: responsesRequest?.chat.messages ?? []) }
}

extension TranslatorMessage {
    /// The messages of a model's answer (as opposed to errors and the other operations' answers).
    var isModelOutput: Bool {
        switch self {
        case .accepted, .event, .end: return true
        default: return false
        }
    }
}
