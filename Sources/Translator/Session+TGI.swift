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
            var streamed = chat
            streamed.stream = true
            var whole = chat
            whole.stream = false
            let invocations = (
                streamed: try TGIChatInvocation(chat: streamed, template: template),
                whole: try TGIChatInvocation(chat: whole, template: template)
            )
            Log.debug("rendering chat with template \(template.name) for tgi", ["request_id": requestId])
            callTGI(invocations, route: route, serving: .chatCompletions, clientStreams: chat.stream)
        } catch {
            finish(.error(error))
        }
    }

    func startTGICompletion(_ completion: CompletionRequest, route: ModelRoute) {
        do {
            var streamed = completion
            streamed.stream = true
            var whole = completion
            whole.stream = false
            let invocations = (
                streamed: try TGICompletionInvocation(completion: streamed),
                whole: try TGICompletionInvocation(completion: whole)
            )
            callTGI(invocations, route: route, serving: .completions, clientStreams: completion.stream)
        } catch {
            finish(.error(error))
        }
    }

    /// The same request built for a streamed and for a whole answer: which one goes upstream is
    /// `callModel`'s choice (`upstream_streaming`).
    private func callTGI<Invocation: TGIInvocation>(
        _ invocations: (streamed: Invocation, whole: Invocation), route: ModelRoute,
        serving endpoint: ModelRoute.Endpoint, clientStreams: Bool
    ) {
        callModel(
            route: route, serving: endpoint, clientStreams: clientStreams,
            parser: invocations.streamed.streamParser, parse: invocations.whole.events(from:)
        ) { stream in
            stream ? invocations.streamed.body : invocations.whole.body
        }
    }
}
