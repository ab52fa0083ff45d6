import GatewayWire

/// Reads a non-streamed `chat.completion` body from an `openai`-format container into the same events
/// a stream would have produced, so the shim assembles both the same way.
/// https://platform.openai.com/docs/api-reference/chat/object
package enum OpenAIResponseParser {
    package static func events(from body: [UInt8]) -> Result<[ModelEvent], GatewayError> {
        if let events = fastEvents(from: body) { return .success(events) }
        return genericEvents(from: body)
    }

    /// The common answer read straight from its bytes (`OpenAIChunkFastPath`), or `nil` where only
    /// `genericEvents` decides; whenever it is not `nil` it equals `genericEvents`'s success (package-visible
    /// so tests and the fuzzer can check that).
    package static func fastEvents(from body: [UInt8]) -> [ModelEvent]? {
        var items: [ParsedItem] = []
        // Room for the usual answer (its content, finish and usage) at once: grown from empty, it was three arrays.
        items.reserveCapacity(4)
        guard OpenAIChunkFastPath.read(body[...], payload: .message, into: &items) else { return nil }
        var events: [ModelEvent] = []
        events.reserveCapacity(items.count)
        for item in items {
            // The walk makes events only; anything else is left to the generic path rather than trusted.
            guard case .event(let event) = item else { return nil }
            events.append(event)
        }
        return events
    }

    /// The body parsed into a `JSONValue` and read by `OpenAIChunkDecoder`: every shape, and every error.
    package static func genericEvents(from body: [UInt8]) -> Result<[ModelEvent], GatewayError> {
        let json: JSONValue
        do {
            json = try JSONParser.parse(body)
        } catch {
            return .failure(GatewayError(.upstreamFailure, "The model container's response is not JSON (\(error))."))
        }
        guard case .object = json else {
            return .failure(GatewayError(.upstreamFailure, "The model container's response is not a JSON object."))
        }
        if let message = OpenAIChunkDecoder.errorMessage(in: json) {
            return .failure(GatewayError(.upstreamModelError, message))
        }
        if json["choices"] == nil, let text = json["generated_text"]?.stringValue {
            // LMI's and TGI's native answer, from a container not switched to the chat schema.
            return .success([.content(choice: 0, text: text), .finish(choice: 0, reason: "stop")])
        }
        guard json["choices"]?.arrayValue != nil else {
            return .failure(GatewayError(.upstreamFailure, "The model container's response has no 'choices'."))
        }
        return .success(OpenAIChunkDecoder.events(in: json, payloadKey: "message"))
    }
}
