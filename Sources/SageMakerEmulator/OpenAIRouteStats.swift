import GatewayWire

/// What reached the OpenAI-compatible route, for `GET /_emulator/stats` (`openai_route`): tests check that the
/// route was used, with which credentials, and that a new token came with new credentials. Tokens are counted,
/// never shown.
struct OpenAIRouteStats {
    var requests = 0
    var componentRequests = 0
    var accessKeyIds: [String] = []
    var tokens: Set<String> = []
    /// Requests per OpenAI path below `/openai/v1/` (`chat/completions`, `completions`, `embeddings`).
    var operations: [String: Int] = [:]

    mutating func record(accessKeyId: String, token: String, component: String?, operation: String) {
        requests += 1
        operations[operation, default: 0] += 1
        if component != nil { componentRequests += 1 }
        if !accessKeyIds.contains(accessKeyId) { accessKeyIds.append(accessKeyId) }
        tokens.insert(token)
    }

    var json: JSONValue {
        .object([
            ("requests", .int(requests)),
            ("inference_component_requests", .int(componentRequests)),
            ("access_key_ids", .array(accessKeyIds.map(JSONValue.string))),
            ("distinct_tokens", .int(tokens.count)),
            ("operations", .object(operations.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
        ])
    }
}
