import GatewayWire

/// Which OpenAI endpoints a route's container format can serve, and the 400 for the ones it cannot,
/// naming the model and its format so the operator's `MODELS_FILE` is where the client looks next.
extension ModelRoute {
    package enum Endpoint: String, Sendable {
        case chatCompletions = "/v1/chat/completions"
        case completions = "/v1/completions"
        case embeddings = "/v1/embeddings"
    }

    /// `nil` when the format serves `endpoint`, else the error to answer with.
    package func refusal(for endpoint: Endpoint) -> GatewayError? {
        let served: [Endpoint]
        switch format {
        // Both take OpenAI's bodies as they are; what the model behind them can do is the container's to say.
        case .openai, .sagemakerOpenAI: served = [.chatCompletions, .completions, .embeddings]
        // TGI's native API generates text from a prompt; embedding models are served by TEI, not TGI.
        case .tgi: served = [.chatCompletions, .completions]
        case .embeddings: served = [.embeddings]
        }
        guard !served.contains(endpoint) else { return nil }
        let alternatives = served.map { "`\($0.rawValue)`" }.joined(separator: ", ")
        return GatewayError(
            .invalidRequest,
            "The model `\(id)` is configured with format `\(format.rawValue)`, which does not serve "
                + "`\(endpoint.rawValue)`; it serves \(alternatives).",
            param: "model")
    }
}
