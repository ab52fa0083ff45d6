import AnthropicWire
import EventLoop
import GatewayLog
import GatewayWire
import OpenAIWire
import ResponsesWire

/// The HTTP side: routes OpenAI requests, validates them, and hands each to a `ProxiedRequest`.
/// Holds no AWS credentials and no keys: the bearer token is forwarded for the translator to judge.
final class Shim {
    let config: ShimConfig
    let loop: EventLoop
    private var server: HTTPServer?
    private var active: [ObjectIdentifier: ProxiedRequest] = [:]
    private var draining = false
    private var drainTimer: Timer?

    init(config: ShimConfig, loop: EventLoop) {
        self.config = config
        self.loop = loop
    }

    func start() throws -> Int {
        let server = try HTTPServer(
            loop: loop, host: config.host, port: config.port, maxBodyBytes: config.maxBodyBytes,
            limits: config.limits,
            handler: { [weak self] exchange in self?.handle(exchange) },
            bodyTooLarge: { [weak self] exchange in
                guard let self else { return }
                if Self.isAnthropic(exchange.path) {
                    return self.reply(exchange, AnthropicErrorMapper.payloadTooLarge(limit: self.config.maxBodyBytes))
                }
                self.reply(exchange, OpenAIErrorMapper.payloadTooLarge(limit: self.config.maxBodyBytes))
            },
            rejection: { rejection in
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
                return HTTPRawResponse(contentType: "application/json", body: response.body)
            })
        self.server = server
        return server.port
    }

    private func handle(_ exchange: HTTPExchange) {
        let path = exchange.path
        switch (exchange.method, path) {
        case ("GET", "/ping"), ("HEAD", "/ping"):
            exchange.respond(
                status: 200, headers: [("Content-Type", "application/json")], body: Array(#"{"status":"ok"}"#.utf8))
        case ("GET", "/health"):
            proxy(exchange, .health)
        case ("GET", "/v1/models"):
            proxy(exchange, .listModels)
        case ("GET", _) where path.hasPrefix("/v1/models/") && path.count > "/v1/models/".count:
            let id = String(path.dropFirst("/v1/models/".count))
            proxy(exchange, .retrieveModel(percentDecoded(id)))
        case ("POST", "/v1/chat/completions"):
            switch ChatRequestValidator.validate(exchange.body) {
            case .success(let chat): proxy(exchange, .chat(chat))
            case .failure(let error): proxy(exchange, .invalid(error))
            }
        case ("POST", "/v1/completions"):
            switch CompletionRequestValidator.validate(exchange.body) {
            case .success(let completion): proxy(exchange, .completion(completion))
            case .failure(let error): proxy(exchange, .invalid(error))
            }
        case ("POST", "/v1/embeddings"):
            switch EmbeddingsRequestValidator.validate(exchange.body) {
            case .success(let embeddings): proxy(exchange, .embeddings(embeddings))
            case .failure(let error): proxy(exchange, .invalid(error))
            }
        case (_, _) where Self.isAnthropic(path):
            handleAnthropic(exchange)
        case ("POST", "/v1/responses"):
            switch ResponsesRequestValidator.validate(exchange.body) {
            case .success(let responses): proxy(exchange, .responses(responses))
            case .failure(let error): proxy(exchange, .invalid(error))
            }
        case (_, "/v1/responses"):
            reply(exchange, OpenAIErrorMapper.methodNotAllowed(method: exchange.method, path: path, allowed: ["POST"]))
        case (_, _) where path.hasPrefix("/v1/responses/"):
            reply(exchange, StoredResponses.lookup(method: exchange.method))
        case (_, "/v1/chat/completions"), (_, "/v1/completions"), (_, "/v1/embeddings"):
            reply(exchange, OpenAIErrorMapper.methodNotAllowed(method: exchange.method, path: path, allowed: ["POST"]))
        case (_, "/v1/models"), (_, "/ping"), (_, "/health"):
            reply(exchange, OpenAIErrorMapper.methodNotAllowed(method: exchange.method, path: path, allowed: ["GET"]))
        default:
            reply(exchange, OpenAIErrorMapper.unknownRoute(method: exchange.method, path: path))
        }
    }

    func reply(_ exchange: HTTPExchange, _ response: OpenAIErrorResponse) {
        exchange.respond(status: response.status, headers: response.headers, body: response.body)
    }

    func proxy(_ exchange: HTTPExchange, _ operation: ProxiedRequest.Operation) {
        if draining {
            let error = GatewayError(.shuttingDown, "The gateway is shutting down; retry.")
            return reply(exchange, errorResponse(error, for: operation))
        }
        let requestId = "req_\(RequestID.random(count: 20))"
        let request = ProxiedRequest(exchange: exchange, operation: operation, requestId: requestId, shim: self)
        active[ObjectIdentifier(request)] = request
        request.start(
            apiKey: operation.isAnthropic ? anthropicAPIKey(exchange) : bearerToken(exchange.header("Authorization")))
    }

    /// The connection cap in force (MAX_CONNECTIONS or the one derived from the open-file limit).
    var maxConnections: Int { server?.maxConnections ?? 0 }

    func finished(_ request: ProxiedRequest) {
        active[ObjectIdentifier(request)] = nil
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

/// `Authorization: Bearer <key>`, scheme case-insensitive; anything else counts as no key.
func bearerToken(_ header: String?) -> String? {
    guard let header else { return nil }
    let trimmed = header.drop(while: { $0 == " " })
    guard trimmed.count > 7, trimmed.prefix(7).lowercased() == "bearer " else { return nil }
    let token = trimmed.dropFirst(7).trimmingSpaces()
    return token.isEmpty ? nil : token
}

func percentDecoded(_ s: String) -> String {
    var bytes: [UInt8] = []
    var it = Array(s.utf8)[...]
    while let b = it.popFirst() {
        if b == UInt8(ascii: "%"), it.count >= 2,
            let v = UInt8(String(decoding: it.prefix(2), as: UTF8.self), radix: 16)
        {
            bytes.append(v)
            it = it.dropFirst(2)
        } else {
            bytes.append(b)
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}

extension Substring {
    func trimmingSpaces() -> String {
        var s = self
        while s.last == " " || s.last == "\t" { s.removeLast() }
        while s.first == " " || s.first == "\t" { s.removeFirst() }
        return String(s)
    }
}
