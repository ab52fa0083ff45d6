import AWSEventStream
import GatewayWire
import ModelFormats

/// Turns the body of `InvokeEndpointWithResponseStream` into typed model events: event-stream frames
/// (both CRCs checked) → PayloadPart bytes → the container's SSE or JSON lines → `ModelEvent`s.
/// A PayloadPart is not a message boundary, so bytes are handed on as they come and the format
/// parser holds back partial lines and partial UTF-8.
package struct SageMakerStreamDecoder: ResponseStreamDecoder {
    package enum Output: Equatable, Sendable {
        case event(ModelEvent)
        /// Terminal: nothing after it is decoded.
        case error(GatewayError)
    }

    private var frames = EventStreamDecoder()
    private var parser: any ModelStreamParser
    private var failed = false

    /// `parser` reads the container's format inside the PayloadParts: `openai` by default, `tgi` for TGI's native API.
    package init(parser: any ModelStreamParser = OpenAIStreamParser()) {
        self.parser = parser
    }

    package mutating func append(_ bytes: [UInt8]) -> [Output] {
        guard !failed else { return [] }
        frames.append(bytes)
        var outputs: [Output] = []
        while true {
            let message: EventStreamMessage?
            do {
                message = try frames.decode()
            } catch {
                return fail(
                    outputs, GatewayError(.upstreamFailure, "SageMaker's response stream is corrupt (\(error))."))
            }
            guard let message else { return outputs }
            switch message.stringHeader(EventStreamHeaderName.messageType) {
            case "event":
                // PayloadPart is the only event type today; unknown events are skipped as the SDKs do.
                guard message.stringHeader(EventStreamHeaderName.eventType) == "PayloadPart" else { continue }
                for item in parser.append(message.payload) {
                    if let output = convert(item) {
                        outputs.append(output)
                        if case .error = output { return fail(outputs, nil) }
                    }
                }
            case "exception":
                let type = message.stringHeader(EventStreamHeaderName.exceptionType) ?? "UnknownException"
                return fail(outputs, SageMakerErrorMapper.mapStreamException(type: type, payload: message.payload))
            case "error":
                let code = message.stringHeader(EventStreamHeaderName.errorCode) ?? "UnknownError"
                let text = message.stringHeader(EventStreamHeaderName.errorMessage) ?? ""
                return fail(outputs, GatewayError(.upstreamFailure, "SageMaker stream error \(code): \(text)"))
            default:
                continue
            }
        }
    }

    /// End of the HTTP body: a frame cut in half is an error; the container's last line is flushed.
    package mutating func finish() -> [Output] {
        guard !failed else { return [] }
        if frames.bufferedByteCount > 0 {
            return fail([], GatewayError(.upstreamFailure, "SageMaker's response stream ended inside a frame."))
        }
        return parser.finish().compactMap(convert)
    }

    private func convert(_ item: ParsedItem) -> Output? {
        switch item {
        case .event(let event): return .event(event)
        case .done: return nil
        case .error(let error): return .error(error)
        }
    }

    private mutating func fail(_ outputs: [Output], _ error: GatewayError?) -> [Output] {
        failed = true
        guard let error else { return outputs }
        return outputs + [.error(error)]
    }
}
