import GatewayWire
import ModelFormats
import TranslatorCore

extension Session {
    /// `POST /v1/completions`: OpenAI's completions body for `openai`-format containers (vLLM and SGLang dispatch
    /// `/invocations` on its `prompt`) and SageMaker's OpenAI route, the prompt as TGI's `inputs` for `tgi`. The
    /// answer — `text_completion` JSON or its SSE / JSON-lines chunks, or TGI's — is read by the same parsers as
    /// chat, whose decoder knows `choices[].text`.
    func startCompletion(_ completion: CompletionRequest) {
        guard var route = route(for: completion.model, serving: .completions) else { return }
        // A completion is the raw continuation of the prompt: no reasoning split, whatever chat does.
        route.reasoning = .none
        if route.format == .tgi { return startTGICompletion(completion, route: route) }
        callModel(route: route, serving: .completions, clientStreams: completion.stream) { stream in
            var upstream = completion
            upstream.stream = stream
            return OpenAICompletionPayload.body(for: upstream, containerModel: route.containerModel)
        }
    }
}
