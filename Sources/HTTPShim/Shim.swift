import AnthropicWire
import EventLoop
import GatewayLog
import GatewayMetrics
import GatewayWire
import OpenAIWire
import ResponsesWire
import ShimCore

/// The HTTP side: routes OpenAI requests, validates them, and hands each to a `ProxiedRequest`.
/// Holds no AWS credentials and no keys: the bearer token is forwarded for the translator to judge.
///
/// Its per-request stored properties are `@exclusivity(unchecked)` (see `EventLoop`'s note on it).
final class Shim {
    let config: ShimConfig
    let loop: EventLoop
    /// The process's clock: monotonic for request durations, wall for `created` fields.
    let clock: GatewayClock
    @exclusivity(unchecked) private var server: HTTPServer?
    /// Requests in flight, each holding its index (`activeSlot`): entering and leaving cost no hashing, where a
    /// dictionary keyed by identity hashed the request twice.
    @exclusivity(unchecked) private var active: [ProxiedRequest] = []
    @exclusivity(unchecked) private var draining = false
    private var drainTimer: Timer?
    let metrics = ShimMetrics()
    private var metricsEndpoint: MetricsEndpoint?
    /// The one connection every exchange with the translator shares.
    let translator: TranslatorLink

    init(config: ShimConfig, loop: EventLoop, clock: GatewayClock = .system) {
        self.config = config
        self.loop = loop
        self.clock = clock
        translator = TranslatorLink(
            loop: loop, socketPath: config.socketPath, timeouts: config.translatorTimeouts, clock: clock)
    }

    func start() throws -> Int {
        // A `weak let`, captured by value: a `[weak self]` capture is a mutable box, and reading it paid a
        // runtime exclusivity check on every request.
        weak let shim = self
        let server = try HTTPServer(
            loop: loop, host: config.host, port: config.port, maxBodyBytes: config.maxBodyBytes,
            limits: config.limits,
            handler: { exchange in shim?.handle(exchange) },
            bodyTooLarge: { [weak self] exchange in
                guard let self else { return }
                if ShimRoute.isAnthropic(exchange.path) {
                    return self.reply(exchange, AnthropicErrorMapper.payloadTooLarge(limit: self.config.maxBodyBytes))
                }
                self.reply(exchange, OpenAIErrorMapper.payloadTooLarge(limit: self.config.maxBodyBytes))
            },
            rejection: { [weak self] rejection in
                let response: OpenAIErrorResponse
                switch rejection {
                case .headersTooLarge(let limit): response = OpenAIErrorMapper.headersTooLarge(limit: limit)
                case .headerTimeout(let seconds): response = OpenAIErrorMapper.headerTimeout(seconds: seconds)
                case .badRequest(let reason):
                    response = OpenAIErrorMapper.response(
                        status: 400, type: "invalid_request_error", message: "Malformed HTTP request: \(reason)")
                case .bodyTooLarge(let limit): response = OpenAIErrorMapper.payloadTooLarge(limit: limit)
                case .methodNotAllowed(let method):
                    response = OpenAIErrorMapper.response(
                        status: 405, type: "invalid_request_error", message: "The method \(method) is not served here.")
                case .bodiesPending:
                    response = OpenAIErrorMapper.response(
                        status: 503, type: "server_error",
                        message: "The gateway is receiving too many request bodies at once; retry shortly.")
                }
                // Answered before any route is known, so counted under `other`; one id, as every answer has.
                let id = RequestID.request()
                self?.metrics.requestFinished(route: "other", status: response.status)
                Log.debug("HTTP framing rejected: \(response.status)", ["request_id": id])
                return HTTPRawResponse(
                    contentType: "application/json", body: response.body, headers: ["x-request-id": id])
            })
        self.server = server
        if let metricsPort = config.metricsPort {
            metricsEndpoint = try MetricsEndpoint(shim: self, host: config.metricsHost, port: metricsPort)
        }
        return server.port
    }

    /// The bound metrics port (the ephemeral one for `METRICS_PORT=0`), if metrics are on.
    var metricsPort: Int? { metricsEndpoint?.port }

    private func handle(_ exchange: HTTPExchange) {
        let path = exchange.path
        switch ShimRoute.match(method: exchange.method, path: path) {
        case .ping:
            metrics.requestFinished(route: "/ping", status: 200)
            exchange.respond(
                status: 200, headers: [("Content-Type", "application/json"), ("x-request-id", requestId(exchange))],
                body: Array(#"{"status":"ok"}"#.utf8))
        case .health:
            proxy(exchange, .health)
        case .listModels:
            proxy(exchange, .listModels)
        case .retrieveModel(let id):
            proxy(exchange, .retrieveModel(id))
        case .chatCompletions:
            switch ChatRequestValidator.validate(exchange.body) {
            case .success(let chat): proxy(exchange, .chat(chat))
            case .failure(let error): proxy(exchange, .invalid(error))
            }
        case .completions:
            switch CompletionRequestValidator.validate(exchange.body) {
            case .success(let completion): proxy(exchange, .completion(completion))
            case .failure(let error): proxy(exchange, .invalid(error))
            }
        case .embeddings:
            switch EmbeddingsRequestValidator.validate(exchange.body) {
            case .success(let embeddings): proxy(exchange, .embeddings(embeddings))
            case .failure(let error): proxy(exchange, .invalid(error))
            }
        case .anthropic:
            handleAnthropic(exchange)
        case .responses:
            switch ResponsesRequestValidator.validate(exchange.body) {
            case .success(let responses): proxy(exchange, .responses(responses))
            case .failure(let error): proxy(exchange, .invalid(error))
            }
        case .storedResponse:
            reply(exchange, StoredResponses.lookup(method: exchange.method))
        case .methodNotAllowed(let allowed):
            reply(exchange, OpenAIErrorMapper.methodNotAllowed(method: exchange.method, path: path, allowed: allowed))
        case .unknown:
            reply(exchange, OpenAIErrorMapper.unknownRoute(method: exchange.method, path: path))
        }
    }

    /// Answers the shim gives itself (unknown routes, methods, draining): counted under route `other` or the
    /// served path, so the route label stays a bounded set; logged at debug, they carry no model.
    func reply(_ exchange: HTTPExchange, _ response: OpenAIErrorResponse) {
        let id = requestId(exchange)
        metrics.requestFinished(route: ShimMetrics.routeLabel(exchange.path), status: response.status)
        Log.debug(
            "\(exchange.method) \(PathRedaction.redacted(exchange.path)) \(response.status)", ["request_id": id])
        exchange.respond(
            status: response.status, headers: response.headers + [("x-request-id", id)], body: response.body)
    }

    /// The client's sane `x-request-id`, else a fresh `req_…`.
    func requestId(_ exchange: HTTPExchange) -> String {
        exchange.withHeader("x-request-id") { Self.requestId(clientHeader: $0) }
    }

    /// `requestId(_:)` from the header's bytes.
    private static func requestId(clientHeader value: UnsafeBufferPointer<UInt8>?) -> String {
        RequestID.sanitized(clientHeader: value.map { String(decoding: $0, as: UTF8.self) }) ?? RequestID.request()
    }

    /// `operation` is consumed: moved into the request, where a borrowed one was copied (every field retained).
    func proxy(_ exchange: HTTPExchange, _ operation: consuming ProxiedRequest.Operation) {
        if draining {
            let error = GatewayError(.shuttingDown, "The gateway is shutting down; retry.")
            return reply(exchange, errorResponse(error, for: operation))
        }
        let requestId: String
        let apiKey: String?
        if operation.isAnthropic {
            requestId = self.requestId(exchange)
            apiKey = ClientAPIKey.anthropic(
                xAPIKey: exchange.header("x-api-key"), authorization: exchange.header("Authorization"))
        } else {
            // The id and the bearer key from one walk of the request's headers.
            (requestId, apiKey) = exchange.withHeaders("x-request-id", "Authorization") { id, authorization in
                (Self.requestId(clientHeader: id), ClientAPIKey.bearer(utf8: authorization))
            }
        }
        let request = ProxiedRequest(exchange: exchange, operation: operation, requestId: requestId, shim: self)
        request.activeSlot = active.count
        active.append(request)
        request.start(apiKey: apiKey)
    }

    /// The model last labelled as itself: `ShimMetrics` keeps every name it once labelled so, and a request for
    /// the model before it (the usual case) skips hashing the name into its set of labels.
    @exclusivity(unchecked) private var labelledModel: String?

    /// `metrics.modelLabel(name)`.
    func modelLabel(_ name: String) -> String {
        if name == labelledModel { return name }
        let label = metrics.modelLabel(name)
        if label == name { labelledModel = name }
        return label
    }

    /// The connection cap in force (MAX_CONNECTIONS or the one derived from the open-file limit).
    var maxConnections: Int { server?.maxConnections ?? 0 }

    func finished(_ request: ProxiedRequest) {
        let slot = request.activeSlot
        guard active.indices.contains(slot), active[slot] === request else { return }
        request.activeSlot = -1
        // The last request takes the leaver's index: order in the list means nothing.
        let last = active.removeLast()
        if slot < active.count {
            active[slot] = last
            last.activeSlot = slot
        }
        if draining && active.isEmpty { stopWhenFlushed() }
    }

    /// The last answers may still sit in evhttp's buffers: leave only once they reached the kernel.
    private func stopWhenFlushed() {
        guard let server, server.repliesFlushing > 0 else {
            Log.info("all requests drained; exiting")
            return loop.stop()
        }
        server.onRepliesFlushed = { [weak self] in self?.stopWhenFlushed() }
    }

    func drain() {
        guard !draining else { return }
        draining = true
        server?.close()
        Log.info("SIGTERM: draining \(active.count) in-flight request(s), at most \(Int(config.drainSeconds)) s")
        let timer = Timer(loop: loop) { [weak self] in
            Log.warning("drain timeout with \(self?.active.count ?? 0) request(s) open; exiting")
            self?.loop.stop()
        }
        drainTimer = timer
        timer.schedule(after: config.drainSeconds)
        if active.isEmpty { stopWhenFlushed() }
    }
}
