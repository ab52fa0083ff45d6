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
        let invocation: TGIChatInvocation
        do {
            invocation = try TGIChatInvocation(chat: chat, template: template)
        } catch {
            return finish(.error(error))
        }
        server.credentials.withCredentials { [weak self] result in
            guard let self, case .working = self.state else { return }
            switch result {
            case .failure(let error): self.finish(.error(error))
            case .success(let credentials):
                let request = SageMakerInvocation.request(
                    endpoint: self.server.config.sagemakerEndpoint, route: route, body: invocation.body,
                    stream: chat.stream
                ).signed(
                    credentials: credentials, region: self.server.config.region, service: .sagemakerRuntime,
                    at: currentDate())
                Log.debug("\(self.requestId) invoking \(route.endpoint) (tgi, \(template.name)) stream=\(chat.stream)")
                if chat.stream {
                    self.invokeStreaming(request, route: route, decoder: invocation.streamDecoder)
                } else {
                    self.invoke(request, route: route, parse: invocation.events(from:))
                }
            }
        }
    }
}
