import GatewayWire
import ModelFormats

/// What the translator needs to call a `tgi`-format container, whichever OpenAI endpoint asked: the
/// `{"inputs", "parameters", "stream"}` body, the stop sequences the parsers take out of the text (TGI leaves
/// them in), and a prompt-token count for when TGI reports none (its non-streamed `details` never carry
/// `input_length`, nor do streams before TGI 2.x), so `usage` is always there. Chat (`TGIChatInvocation`) and
/// completions (`TGICompletionInvocation`) differ only in how they make the prompt; reading the answer is
/// shared here.
/// https://huggingface.github.io/text-generation-inference/#/Text%20Generation%20Inference/compat_generate
package protocol TGIInvocation {
    var body: [UInt8] { get }
    var stopSequences: [String] { get }
    var promptTokenEstimate: Int { get }
}

extension TGIInvocation {
    /// About four UTF-8 bytes per token, as `UsageEstimate` counts message text; a chat template's markup is
    /// in the prompt already, so nothing is added per message.
    package static func estimateTokens(_ prompt: String) -> Int {
        (prompt.utf8.count + 3) / 4
    }

    /// The container's stream, whatever envelope it arrives in (`ModelRoute.streamDecoder(parser:)`).
    package var streamParser: TGIStreamParser {
        TGIStreamParser(stopSequences: stopSequences, promptTokensIfUnreported: promptTokenEstimate)
    }

    /// Streamed answers: `InvokeEndpointWithResponseStream`'s PayloadParts through `TGIStreamParser`.
    package var streamDecoder: SageMakerStreamDecoder {
        SageMakerStreamDecoder(parser: streamParser)
    }

    /// Non-streamed answers: `InvokeEndpoint`'s body.
    package func events(from body: [UInt8]) -> Result<[ModelEvent], GatewayError> {
        TGIResponseParser.events(
            from: body, stopSequences: stopSequences, promptTokensIfUnreported: promptTokenEstimate)
    }
}
