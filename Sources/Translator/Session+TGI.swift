import GatewayLog
import GatewayWire
import TranslatorCore

/// Chat on a `tgi`-format model: the messages rendered with the model's prompt template into TGI's native
/// `{"inputs", "parameters", "stream"}`, sent with `InvokeEndpointWithResponseStream` (streamed) or
/// `InvokeEndpoint`, and TGI's token events or `generated_text` read back into model events.
/// https://huggingface.github.io/text-generation-inference/#/Text%20Generation%20Inference/compat_generate
extension Session {
    func startTGIChat(_ chat: ChatRequest, route: ModelRoute) {
        guard let template = route.promptTemplate else {
            // The catalog refuses a tgi model without a template at startup; this is only a guard.
            return finish(.error(GatewayError(.internalError, "The model `\(chat.model)` has no prompt template.")))
        }
        let upstreamStreams = route.upstreamStreaming.streamsUpstream(clientStreams: chat.stream)
        var upstreamChat = chat
        upstreamChat.stream = upstreamStreams
        let invocation: TGIChatInvocation
        let plain: TGIChatInvocation
        do {
            invocation = try TGIChatInvocation(chat: upstreamChat, template: template)
            plain = try TGIChatInvocation(chat: chat, template: template)
        } catch {
            return finish(.error(error))
        }
        signedInvocation(route: route, body: invocation.body, stream: upstreamStreams) { [weak self] request in
            guard let self else { return }
            Log.debug(
                "\(self.requestId) invoking \(route.endpoint) (tgi, \(template.name)) stream=\(chat.stream) upstream=\(upstreamStreams)"
            )
            guard upstreamStreams else { return self.invoke(request, route: route, parse: plain.events(from:)) }
            var fallback: (() -> Void)?
            if route.upstreamStreaming.fallsBack(clientStreams: chat.stream) {
                fallback = { [weak self] in
                    self?.signedInvocation(route: route, body: plain.body, stream: false) { [weak self] request in
                        self?.invoke(request, route: route, parse: plain.events(from:))
                    }
                }
            }
            self.invokeStreaming(
                request, route: route, decoder: invocation.streamDecoder, assembling: !chat.stream, fallback: fallback)
        }
    }
}
