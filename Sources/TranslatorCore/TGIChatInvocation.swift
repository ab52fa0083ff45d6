import GatewayWire
import ModelFormats

/// A chat request to a `tgi`-format model, worked out before any I/O: the messages rendered with the
/// model's prompt template become `inputs` (`TGIInvocation` reads the answer).
package struct TGIChatInvocation: TGIInvocation, Equatable, Sendable {
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
}
