import GatewayWire

/// Where the shim sends a request, from its method and path alone; the handler of each route validates
/// the body. Kept apart from the HTTP server so that every path and method is tested without a socket.
package enum ShimRoute: Equatable, Sendable {
    /// `GET`/`HEAD /ping`: answered by the shim itself (the load balancer's check).
    case ping
    /// `GET /health`: asks the translator.
    case health
    case listModels
    /// `GET /v1/models/{id}`, the id percent-decoded (kept as sent when that fails).
    case retrieveModel(String)
    case chatCompletions
    case completions
    case embeddings
    case responses
    /// `/v1/messages` and everything below it, any method: Anthropic's errors are Anthropic-shaped.
    case anthropic
    /// Anything under `/v1/responses/`: stored responses, which this gateway does not keep.
    case storedResponse
    /// A known path asked with a method it does not serve.
    case methodNotAllowed(allowed: [String])
    case unknown

    package static func match(method: String, path: String) -> ShimRoute {
        // Most requests are chat completions: decided by one comparison of each, where the cases below, tried in
        // order, compared the method or path six times first.
        if path == "/v1/chat/completions", method == "POST" { return .chatCompletions }
        switch (method, path) {
        case ("GET", "/ping"), ("HEAD", "/ping"): return .ping
        case ("GET", "/health"): return .health
        case ("GET", "/v1/models"): return .listModels
        case ("GET", _) where path.hasPrefix(modelsPrefix) && path.count > modelsPrefix.count:
            let id = path.dropFirst(modelsPrefix.count)
            return .retrieveModel(PercentDecoding.decode(id) ?? String(id))
        case ("POST", "/v1/chat/completions"): return .chatCompletions
        case ("POST", "/v1/completions"): return .completions
        case ("POST", "/v1/embeddings"): return .embeddings
        case (_, _) where isAnthropic(path): return .anthropic
        case ("POST", "/v1/responses"): return .responses
        case (_, _) where path.hasPrefix("/v1/responses/"): return .storedResponse
        case (_, "/v1/responses"), (_, "/v1/chat/completions"), (_, "/v1/completions"), (_, "/v1/embeddings"):
            return .methodNotAllowed(allowed: ["POST"])
        case (_, "/v1/models"), (_, "/ping"), (_, "/health"):
            return .methodNotAllowed(allowed: ["GET"])
        default: return .unknown
        }
    }

    /// `/v1/messages` and everything under it, so Anthropic's clients get Anthropic's errors there too
    /// (batches, say, are a `not_found_error`).
    package static func isAnthropic(_ path: String) -> Bool {
        path == "/v1/messages" || path.hasPrefix("/v1/messages/")
    }

    private static let modelsPrefix = "/v1/models/"
}
