import GatewayWire

/// Reads a non-streamed TGI `generate` body into the events a stream would have produced, so the shim
/// assembles both the same way. SageMaker's TGI containers answer with a one-element list,
/// `[{"generated_text": "...", "details": {...}}]`; TGI's own `/generate` with the bare object; both are
/// accepted, as is `{"error": "...", "error_type": "..."}`.
/// https://huggingface.github.io/text-generation-inference/#/Text%20Generation%20Inference/generate
package enum TGIResponseParser {
    /// `stopSequences` and `promptTokensIfUnreported` as for `TGIStreamParser`.
    package static func events(from body: [UInt8], stopSequences: [String] = [], promptTokensIfUnreported: Int? = nil)
        -> Result<[ModelEvent], GatewayError>
    {
        let json: JSONValue
        do {
            json = try JSONParser.parse(body)
        } catch {
            return .failure(GatewayError(.upstreamFailure, "The model container's response is not JSON (\(error))."))
        }
        let answer: JSONValue
        switch json {
        case .array(let items):
            guard let first = items.first else {
                return .failure(GatewayError(.upstreamFailure, "The model container's response is an empty list."))
            }
            answer = first
        default:
            answer = json
        }
        guard case .object = answer else {
            return .failure(GatewayError(.upstreamFailure, "The model container's response is not a JSON object."))
        }
        if let error = TGIEventDecoder.error(in: answer, streaming: false) {
            return .failure(error)
        }
        guard let generated = answer["generated_text"]?.stringValue else {
            return .failure(
                GatewayError(
                    .upstreamFailure,
                    "The model container's response has no 'generated_text'; is the model's format right?"))
        }
        let details = answer["details"].flatMap { $0.objectValue == nil ? nil : $0 }
        let reason = TGIEventDecoder.rawFinishReason(in: details)
        let text = reason == "stop_sequence" ? StopSequenceTrimmer.trimmed(generated, stops: stopSequences) : generated
        var events: [ModelEvent] = []
        if !text.isEmpty { events.append(.content(choice: 0, text: text)) }
        // Without details (a container that dropped them) the generation simply ended.
        events.append(.finish(choice: 0, reason: reason.map(TGIEventDecoder.finishReason(tgi:)) ?? "stop"))
        if let usage = TGIEventDecoder.usage(in: details, promptTokensIfUnreported: promptTokensIfUnreported) {
            events.append(.usage(usage))
        }
        return .success(events)
    }
}
