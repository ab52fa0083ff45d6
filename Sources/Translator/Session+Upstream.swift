import GatewayLog
import GatewayWire
import ModelFormats
import TranslatorCore

/// The one place a request's model call is made, whatever the route's format (`ModelRoute+Upstream`): chat,
/// completions and embeddings build their body and say how to read the answer; this picks the authorisation,
/// the path and the stream envelope.
extension Session {
    /// Hands `proceed` the request for one call to `route`'s model: SigV4-signed `InvokeEndpoint` (or, with
    /// `stream`, `InvokeEndpointWithResponseStream`) for container formats, the OpenAI route's `endpoint` path
    /// with the minted bearer token for `sagemaker-openai`. A credential failure ends the session.
    func modelRequest(
        route: ModelRoute, serving endpoint: ModelRoute.Endpoint, body: [UInt8], stream: Bool,
        then proceed: @escaping (AWSHTTPRequest) -> Void
    ) {
        modelRequest(route: route, serving: endpoint, body: body, stream: stream, now: proceed, later: { proceed })
    }

    /// As `modelRequest(then:)`, for a continuation that is costly to make escaping (its context holds the route
    /// and the caller's closures: an allocation and a retain each): `now` runs when the request is ready at once,
    /// a container route with credentials at hand; `later` makes the escaping continuation only when the request
    /// has to wait (credentials being fetched, the OpenAI route's bearer token).
    func modelRequest(
        route: ModelRoute, serving endpoint: ModelRoute.Endpoint, body: [UInt8], stream: Bool,
        now: (AWSHTTPRequest) -> Void, later: () -> (AWSHTTPRequest) -> Void
    ) {
        guard route.usesOpenAIRoute else {
            return signedInvocation(route: route, body: body, stream: stream, now: now, later: later)
        }
        let proceed = later()
        server.bearerTokens.withToken { [weak self] result in
            guard let self, case .working = self.state else { return }
            switch result {
            case .failure(let error): self.finish(.error(error))
            case .success(let token):
                proceed(
                    SageMakerOpenAIRequest.request(
                        endpoint: self.server.config.sagemakerEndpoint, route: route,
                        operation: SageMakerOpenAIRequest.Operation(endpoint), body: body, stream: stream, token: token)
                )
            }
        }
    }

    /// One generation call (chat or completions) answered with model events: a stream's container output read
    /// by `parser`, a whole answer by `parse` (both `openai` format by default). `body` gives the container
    /// body for a streamed or a whole answer.
    ///
    /// A client's non-streamed request is streamed upstream too, unless the model says `upstream_streaming:
    /// never` (`UpstreamStreaming`): InvokeEndpoint gives up after 60 s, the response stream does not, and the
    /// shim assembles the one JSON answer from the same events. With `auto`, a `ValidationError` refusing the
    /// streaming call (a container that cannot stream) is answered by asking once more with InvokeEndpoint.
    func callModel(
        route: ModelRoute, serving endpoint: ModelRoute.Endpoint, clientStreams: Bool,
        // Made only when the call streams: a whole answer never reads it.
        parser: @escaping @autoclosure () -> any ModelStreamParser = OpenAIStreamParser(),
        parse: @escaping ([UInt8]) -> Result<[ModelEvent], GatewayError> = OpenAIResponseParser.events(from:),
        body: @escaping (_ stream: Bool) -> [UInt8]
    ) {
        let upstream = route.upstreamStreaming.streamsUpstream(clientStreams: clientStreams)
        modelRequest(
            route: route, serving: endpoint, body: body(upstream), stream: upstream,
            now: { request in
                call(
                    request, route: route, serving: endpoint, clientStreams: clientStreams, upstream: upstream,
                    parser: parser, parse: parse, body: body)
            },
            later: {
                { [weak self] request in
                    self?.call(
                        request, route: route, serving: endpoint, clientStreams: clientStreams, upstream: upstream,
                        parser: parser, parse: parse, body: body)
                }
            })
    }

    /// `callModel`'s call, once its request is ready.
    private func call(
        _ request: AWSHTTPRequest, route: ModelRoute, serving endpoint: ModelRoute.Endpoint, clientStreams: Bool,
        upstream: Bool, parser: @escaping () -> any ModelStreamParser,
        parse: @escaping ([UInt8]) -> Result<[ModelEvent], GatewayError>, body: @escaping (_ stream: Bool) -> [UInt8]
    ) {
        // The level checked first: the fields are built before `Log` could drop the line, on every request.
        if Log.logs(.debug) {
            let target = route.usesOpenAIRoute ? "\(route.endpoint)'s OpenAI route" : route.endpoint
            Log.debug(
                "calling \(target) for \(endpoint.rawValue) stream=\(clientStreams) upstream=\(upstream)",
                ["request_id": requestId]
            )
        }
        guard upstream else { return invoke(request, route: route, parse: parse) }
        var fallback: (() -> Void)?
        if route.upstreamStreaming.fallsBack(clientStreams: clientStreams), !route.usesOpenAIRoute {
            fallback = { [weak self] in
                self?.modelRequest(route: route, serving: endpoint, body: body(false), stream: false) {
                    [weak self] request in
                    self?.invoke(request, route: route, parse: parse)
                }
            }
        }
        invokeStreaming(
            request, route: route, decoder: route.streamDecoder(parser: parser()), assembling: !clientStreams,
            fallback: fallback)
    }
}
