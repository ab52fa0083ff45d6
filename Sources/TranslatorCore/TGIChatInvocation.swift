import GatewayWire
import ModelFormats

/// What a chat request to a `tgi`-format model needs, worked out before any I/O: the rendered prompt's
/// `{"inputs", "parameters", "stream"}` body, the stop sequences the parsers take out of the text (TGI leaves
/// them in), and a prompt-token count for when TGI reports none (its non-streamed `details` never carry
/// `input_length`, nor do streams before TGI 2.x), so `usage` is always there.
package struct TGIChatInvocation: Equatable, Sendable {
    package var body: [UInt8]
    package var stopSequences: [String]
    package var promptTokenEstimate: Int

    /// Errors are client errors (400) naming the message or parameter at fault.
    package init(chat: ChatRequest, template: PromptTemplate) throws(GatewayError) {
        let prompt = try template.render(chat.messages)
        body = try TGIPayload.body(prompt: prompt, parameters: chat.parameters, stream: chat.stream)
        stopSequences = TGIParameters.stopSequences(in: chat.parameters)
        promptTokenEstimate = Self.estimateTokens(prompt)
    }

    /// About four UTF-8 bytes per token, as `UsageEstimate` counts message text; the template's markup is
    /// in the prompt already, so nothing is added per message.
    package static func estimateTokens(_ prompt: String) -> Int {
        (prompt.utf8.count + 3) / 4
    }

    /// Streamed answers: `InvokeEndpointWithResponseStream`'s PayloadParts through `TGIStreamParser`.
    package var streamDecoder: SageMakerStreamDecoder {
        SageMakerStreamDecoder(
            parser: TGIStreamParser(stopSequences: stopSequences, promptTokensIfUnreported: promptTokenEstimate))
    }

    /// Non-streamed answers: `InvokeEndpoint`'s body.
    package func events(from body: [UInt8]) -> Result<[ModelEvent], GatewayError> {
        TGIResponseParser.events(
            from: body, stopSequences: stopSequences, promptTokensIfUnreported: promptTokenEstimate)
    }
}
