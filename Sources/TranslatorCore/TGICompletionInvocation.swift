import GatewayWire
import ModelFormats

/// A `POST /v1/completions` request to a `tgi`-format model, worked out before any I/O: the prompt is TGI's
/// `inputs` exactly as the client wrote it (a completion continues the client's text, so no template), with the
/// parameters mapped as for chat (`TGIParameters`); `TGIInvocation` reads the answer.
/// https://platform.openai.com/docs/api-reference/completions/create
///
/// What TGI's native API cannot honour is refused with a 400 naming the parameter rather than dropped, so a
/// client never gets an answer that silently ignored part of its request:
/// - a `prompt` of token ids, or of several prompts: `inputs` is one string;
/// - `suffix`: TGI has no fill-in-the-middle on its native API;
/// - `logprobs`: TGI's `details` give the chosen tokens' logprobs but not OpenAI's per-token alternatives, and
///   its special tokens and stop-sequence trimming would make `text_offset` disagree with the text;
/// - `echo: true`: the shim already refuses it for every format;
/// - `n` other than 1 and `best_of` above 2: `TGIParameters`, as for chat.
package struct TGICompletionInvocation: TGIInvocation, Equatable, Sendable {
    package var body: [UInt8]
    package var stopSequences: [String]
    package var promptTokenEstimate: Int

    /// Errors are client errors (400) naming the parameter at fault.
    package init(completion: CompletionRequest) throws(GatewayError) {
        let prompt = try Self.prompt(completion.prompt)
        for (name, reason) in Self.unsupported where completion.parameter(name).map(Self.asks) == true {
            throw GatewayError(.invalidRequest, "`\(name)` is not supported by this model: \(reason).", param: name)
        }
        body = try TGIPayload.body(prompt: prompt, parameters: completion.parameters, stream: completion.stream)
        stopSequences = TGIParameters.stopSequences(in: completion.parameters)
        promptTokenEstimate = Self.estimateTokens(prompt)
    }

    private static let unsupported = [
        ("suffix", "TGI's native API cannot insert text before a suffix"),
        ("logprobs", "TGI's native API does not return OpenAI's per-token log probabilities"),
        ("echo", "TGI's native API does not echo the prompt; prepend it to the completion yourself"),
    ]

    /// Whether a parameter's value asks for something: `null`, `false`, and an empty `suffix` ask for nothing.
    private static func asks(_ value: JSONValue) -> Bool {
        switch value {
        case .null, .bool(false): return false
        case .string(let s): return !s.isEmpty
        default: return true
        }
    }

    /// The one prompt string: `"..."` or `["..."]`.
    private static func prompt(_ value: JSONValue) throws(GatewayError) -> String {
        switch value {
        case .string(let text): return text
        case .array(let items):
            if items.count == 1, let text = items[0].stringValue { return text }
            if items.allSatisfy({ $0.stringValue != nil }) {
                throw GatewayError(
                    .invalidRequest,
                    "This model takes one prompt per request (TGI's native API); send each of the "
                        + "\(items.count) prompts in its own request.",
                    param: "prompt")
            }
            throw GatewayError(
                .invalidRequest, "This model takes the prompt as text (TGI's native API), not as token ids.",
                param: "prompt")
        default:
            throw GatewayError(.invalidRequest, "`prompt` must be a string.", param: "prompt")
        }
    }
}
