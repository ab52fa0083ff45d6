import GatewayLog
import GatewayWire
import TranslatorCore

/// Chat and completions on a `tgi`-format model: TGI's native `{"inputs", "parameters", "stream"}` (chat
/// messages rendered with the model's prompt template, a completion's prompt as it is), sent with
/// `InvokeEndpointWithResponseStream` (streamed) or `InvokeEndpoint`, and TGI's token events or
/// `generated_text` read back into model events (`TGIInvocation`).
/// https://huggingface.github.io/text-generation-inference/#/Text%20Generation%20Inference/compat_generate
extension Session {
    func startTGIChat(_ chat: ChatRequest, route: ModelRoute) {
        guard let template = route.promptTemplate else {
            // The catalog refuses a tgi model without a template at startup; this is only a guard.
            return finish(.error(GatewayError(.internalError, "The model `\(chat.model)` has no prompt template.")))
        }
        do {
            let invocation = try TGIChatInvocation(chat: chat, template: template)
            Log.debug("\(requestId) rendering chat with template \(template.name) for tgi")
            callTGI(invocation, route: route, serving: .chatCompletions, stream: chat.stream)
        } catch {
            finish(.error(error))
        }
    }

    func startTGICompletion(_ completion: CompletionRequest, route: ModelRoute) {
        do {
            callTGI(
                try TGICompletionInvocation(completion: completion), route: route, serving: .completions,
                stream: completion.stream)
        } catch {
            finish(.error(error))
        }
    }

    private func callTGI(
        _ invocation: some TGIInvocation, route: ModelRoute, serving endpoint: ModelRoute.Endpoint, stream: Bool
    ) {
        callModel(
            route: route, serving: endpoint, body: invocation.body, stream: stream, parser: invocation.streamParser,
            parse: invocation.events(from:))
    }
}
