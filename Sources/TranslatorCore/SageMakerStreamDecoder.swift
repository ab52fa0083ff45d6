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
    /// The parser's items for one PayloadPart; kept so each one does not allocate its own array.
    private var items: [ParsedItem] = []

    /// `parser` reads the container's format inside the PayloadParts: `openai` by default, `tgi` for TGI's native API.
    package init(parser: any ModelStreamParser = OpenAIStreamParser()) {
        self.parser = parser
    }

    package mutating func append(_ bytes: UnsafeRawBufferPointer, into outputs: inout [Output]) {
        guard !failed else { return }
        frames.append(bytes)
        while true {
            let frame: EventStreamFrame?
            do {
                frame = try frames.decodeFrame()
            } catch {
                return fail(
                    &outputs, GatewayError(.upstreamFailure, "SageMaker's response stream is corrupt (\(error))."))
            }
            guard let frame else { return }
            // Header names and values are compared as bytes: every streamed token arrives in one of these frames.
            if frame.messageType(is: "event") {
                // PayloadPart is the only event type today; unknown events are skipped as the SDKs do.
                guard frame.eventType(is: "PayloadPart") else { continue }
                if !items.isEmpty { items.removeAll(keepingCapacity: true) }
                parser.append(frame.payload, into: &items)
                for item in items {
                    if let output = convert(item) {
                        outputs.append(output)
                        if case .error = output { return fail(&outputs, nil) }
                    }
                }
                continue
            }
            switch frame.stringHeader(EventStreamHeaderName.messageType) {
            case "exception":
                let type = frame.stringHeader(EventStreamHeaderName.exceptionType) ?? "UnknownException"
                return fail(
                    &outputs, SageMakerErrorMapper.mapStreamException(type: type, payload: Array(frame.payload)))
            case "error":
                let code = frame.stringHeader(EventStreamHeaderName.errorCode) ?? "UnknownError"
                let text = frame.stringHeader(EventStreamHeaderName.errorMessage) ?? ""
                return fail(&outputs, GatewayError(.upstreamFailure, "SageMaker stream error \(code): \(text)"))
            default:
                continue
            }
        }
    }

    /// End of the HTTP body: a frame cut in half is an error; the container's last line is flushed.
    package mutating func finish() -> [Output] {
        guard !failed else { return [] }
        if frames.bufferedByteCount > 0 {
            var outputs: [Output] = []
            fail(&outputs, GatewayError(.upstreamFailure, "SageMaker's response stream ended inside a frame."))
            return outputs
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

    private mutating func fail(_ outputs: inout [Output], _ error: GatewayError?) {
        failed = true
        if let error { outputs.append(.error(error)) }
    }
}
