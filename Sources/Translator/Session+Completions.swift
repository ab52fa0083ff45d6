import GatewayLog
import GatewayWire
import ModelFormats
import TranslatorCore

extension Session {
    /// `POST /v1/completions` on an `openai`-format container: OpenAI's completions body goes to
    /// `/invocations` (vLLM and SGLang dispatch on its `prompt`), and the answer — `text_completion` JSON or
    /// its SSE / JSON-lines chunks — is read by the same parsers as chat, whose decoder knows `choices[].text`.
    func startCompletion(_ completion: CompletionRequest) {
        guard var route = route(for: completion.model, serving: .completions) else { return }
        // A completion is the raw continuation of the prompt: no reasoning split, whatever chat does.
        route.reasoning = nil
        let body = OpenAICompletionPayload.body(for: completion, containerModel: route.containerModel)
        signedInvocation(route: route, body: body, stream: completion.stream) { [weak self] request in
            guard let self else { return }
            Log.debug("\(self.requestId) invoking \(route.endpoint) for a completion stream=\(completion.stream)")
            if completion.stream {
                self.invokeStreaming(request, route: route)
            } else {
                self.invoke(request, route: route)
            }
        }
    }
}
