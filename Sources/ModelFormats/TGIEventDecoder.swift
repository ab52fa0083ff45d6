import GatewayWire

/// The parts of TGI's output objects both TGI parsers read: error reports and the `details` that close a
/// generation. Shapes from TGI's router (`ErrorResponse`, `StreamDetails`, `Details`):
/// https://huggingface.github.io/text-generation-inference/#/Text%20Generation%20Inference/generate_stream
enum TGIEventDecoder {
    /// `{"error": "...", "error_type": "..."}`, or `nil` when `object` is not one. A `validation` error is
    /// the request's fault (400); anything else is the model's, reported as a stream error once streaming
    /// or as a failed response otherwise.
    static func error(in object: JSONValue, streaming: Bool) -> GatewayError? {
        guard let error = object["error"], !error.isNull else { return nil }
        let message = error.stringValue ?? error["message"]?.stringValue ?? JSONWriter.string(error)
        guard let type = object["error_type"]?.stringValue, !type.isEmpty else {
            return GatewayError(streaming ? .modelStreamError : .upstreamModelError, message)
        }
        if type == "validation" { return GatewayError(.upstreamBadRequest, message) }
        return GatewayError(streaming ? .modelStreamError : .upstreamModelError, "\(message) (\(type) error)")
    }

    /// TGI's raw finish reason in `details`, if any.
    static func rawFinishReason(in details: JSONValue?) -> String? {
        details?["finish_reason"]?.stringValue
    }

    /// TGI's `eos_token` and `stop_sequence` are both OpenAI's `stop`; `length` is the same word.
    static func finishReason(tgi reason: String) -> String {
        switch reason {
        case "eos_token", "stop_sequence": return "stop"
        default: return reason
        }
    }

    /// Token counts from `details`. Prompt tokens are `input_length` (TGI 2.x streams), `prompt_tokens` (some
    /// forks), or the caller's fallback; without any, there is no usage rather than a made-up one.
    static func usage(in details: JSONValue?, promptTokensIfUnreported: Int?) -> Usage? {
        guard let details, let generated = details["generated_tokens"]?.intValue else { return nil }
        let prompt = details["input_length"]?.intValue ?? details["prompt_tokens"]?.intValue ?? promptTokensIfUnreported
        return prompt.map { Usage(promptTokens: $0, completionTokens: generated) }
    }
}
