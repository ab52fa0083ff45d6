import GatewayMetrics

/// The one frame the shim sends on a connection.
package struct GatewayRequest: Equatable, Sendable {
    package enum Operation: Equatable, Sendable {
        case chatCompletion(ChatRequest)
        /// `POST /v1/completions`; answered like chat: `accepted`, `event`*, `end`.
        case completion(CompletionRequest)
        /// `POST /v1/embeddings`; answered with one `embeddings` message (never streamed).
        case embeddings(EmbeddingsRequest)
        case listModels
        case retrieveModel(id: String)
        /// The shim's `/health`: is the translator there and ready. Needs no key.
        case health
        /// The shim's metrics page: the translator's figures (`TranslatorMessage.metrics`). Needs no key.
        case metrics
    }

    /// Correlates the two processes' log lines for one client request (the client's sane `x-request-id`,
    /// else one the shim made).
    package var requestId: String
    /// The bearer token as the client sent it; the shim never judges it.
    package var apiKey: String?
    package var operation: Operation

    package init(requestId: String, apiKey: String?, operation: Operation) {
        self.requestId = requestId
        self.apiKey = apiKey
        self.operation = operation
    }
}

/// A model the translator serves, as `/v1/models` lists it.
package struct ModelInfo: Equatable, Sendable {
    package var id: String
    package var created: Int
    package var ownedBy: String

    package init(id: String, created: Int, ownedBy: String) {
        self.id = id
        self.created = created
        self.ownedBy = ownedBy
    }
}

package struct HealthStatus: Equatable, Sendable {
    package var ready: Bool
    package var detail: String

    package init(ready: Bool, detail: String) {
        self.ready = ready
        self.detail = detail
    }
}

/// Everything the translator sends back. A chat exchange is `accepted`, `event`*, then `end` or `error`;
/// an `error` before `accepted` becomes the HTTP status, after it an SSE error event.
package enum TranslatorMessage: Equatable, Sendable {
    /// The upstream call succeeded far enough that the answer will be a 200; for chat, how to shape it.
    case accepted(ResponseShape = ResponseShape())
    case event(ModelEvent)
    case error(GatewayError)
    case end
    case models([ModelInfo])
    case health(HealthStatus)
    /// The whole answer to an embeddings request.
    case embeddings(EmbeddingsResult)
    /// The translator's metric families at this moment.
    case metrics([MetricFamily])
}
