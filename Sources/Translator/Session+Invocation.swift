import AWSSigV4
import GatewayWire
import TranslatorCore

extension Session {
    /// Fetches credentials (cached by the manager) and hands `then` the signed `InvokeEndpoint` (or, with
    /// `stream`, `InvokeEndpointWithResponseStream`) request for `body`; a credential failure ends the session.
    /// `now` gets the request when the credentials are at hand, the usual case; otherwise `later` makes the
    /// continuation that waits for them (`Session.modelRequest(now:later:)`).
    func signedInvocation(
        route: ModelRoute, body: [UInt8], stream: Bool, now: (AWSHTTPRequest) -> Void,
        later: () -> (AWSHTTPRequest) -> Void
    ) {
        // Built before the credentials come: the closure then holds the request, not a copy of the whole route.
        let unsigned = SageMakerInvocation.request(
            endpoint: server.config.sagemakerEndpoint, route: route, body: body, stream: stream)
        // Credentials are nearly always at hand: then no closure holding the request is made.
        if let result = server.credentials.credentialsNow() { return sign(unsigned, result, then: now) }
        let proceed = later()
        server.credentials.park { [weak self] result in self?.sign(unsigned, result, then: proceed) }
    }

    private func sign(
        _ unsigned: consuming AWSHTTPRequest, _ credentials: Result<AWSCredentials, GatewayError>,
        then proceed: (AWSHTTPRequest) -> Void
    ) {
        guard case .working = state else { return }
        switch credentials {
        case .failure(let error): finish(.error(error))
        case .success(let credentials):
            proceed(
                unsigned.signed(
                    credentials: credentials, region: server.config.region, service: .sagemakerRuntime,
                    at: server.clock.date))
        }
    }

    /// The route for `model`, or `nil` after answering with the error (unknown model: 404; a format that
    /// cannot serve `endpoint`: 400).
    func route(for model: String, serving endpoint: ModelRoute.Endpoint) -> ModelRoute? {
        switch server.config.catalog.route(for: model) {
        case .failure(let error):
            finish(.error(error))
            return nil
        case .success(let route):
            if let refusal = route.refusal(for: endpoint) {
                finish(.error(refusal))
                return nil
            }
            return route
        }
    }
}
