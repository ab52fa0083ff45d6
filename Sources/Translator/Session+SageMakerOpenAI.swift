import GatewayLog
import GatewayWire
import ModelFormats
import TranslatorCore

/// Chat on a `sagemaker-openai` model: SageMaker's own OpenAI-compatible route on the endpoint, authorised
/// with a bearer token minted from the translator's credentials instead of a SigV4 signature. The body is the
/// one an `openai`-format container gets; the answer is OpenAI's JSON or plain SSE (no event-stream envelope).
/// https://docs.aws.amazon.com/sagemaker/latest/dg/realtime-endpoints-openai-compatible.html
extension Session {
    func startSageMakerOpenAIChat(_ chat: ChatRequest, route: ModelRoute) {
        // Streamed upstream unless `never`, as for the container formats (no InvokeEndpoint fallback here:
        // the route is OpenAI's own, which always streams).
        let upstreamStreams = route.upstreamStreaming.streamsUpstream(clientStreams: chat.stream)
        var upstreamChat = chat
        upstreamChat.stream = upstreamStreams
        let body = OpenAIContainerPayload.body(for: upstreamChat, containerModel: route.containerModel)
        server.bearerTokens.withToken { [weak self] result in
            guard let self, case .working = self.state else { return }
            switch result {
            case .failure(let error): self.finish(.error(error))
            case .success(let token):
                let request = SageMakerOpenAIRequest.request(
                    endpoint: self.server.config.sagemakerEndpoint, route: route, operation: .chatCompletions,
                    body: body, stream: upstreamStreams, token: token)
                Log.debug("\(self.requestId) calling \(route.endpoint)'s OpenAI route stream=\(chat.stream)")
                if upstreamStreams {
                    self.invokeStreaming(
                        request, route: route, decoder: PlainStreamDecoder(), assembling: !chat.stream)
                } else {
                    self.invoke(request, route: route)
                }
            }
        }
    }

    /// A refused bearer token is the operator's to fix (the role lacks `sagemaker:CallWithBearerToken`, or the
    /// credentials are wrong): logged as an error, without the token, and a 502 for the client.
    func openAIRouteError(status: Int, headers: [(String, String)], body: [UInt8], route: ModelRoute)
        -> GatewayError
    {
        let error = SageMakerOpenAIErrorMapper.map(
            status: status, headers: headers, body: body, endpointName: route.endpoint)
        if SageMakerErrorMapper.isCredentialError(error) {
            let type = headers.first(where: { $0.0.lowercased() == "x-amzn-errortype" })?.1 ?? "HTTP \(status)"
            Log.error(
                "\(requestId) SageMaker refused the gateway's bearer token for \(route.endpoint)'s OpenAI route (\(type)); "
                    + "the task role needs sagemaker:CallWithBearerToken and valid credentials"
            )
        } else {
            Log.info(
                "\(requestId) SageMaker OpenAI route error HTTP \(status) from \(route.endpoint): \(error.kind.rawValue)"
            )
        }
        return error
    }
}
