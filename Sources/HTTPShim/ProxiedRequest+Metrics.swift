import GatewayMetrics
import GatewayWire

extension ProxiedRequest {
    /// The route label: the path the request came on (only served paths are proxied, so the label set is
    /// bounded), with a model id folded into its template.
    var routeLabel: String {
        if case .retrieveModel = operation { return "/v1/models/{id}" }
        return path
    }

    /// The model `operation` names, if it asks one for an answer.
    static func modelName(of operation: Operation) -> String? {
        switch operation {
        case .chat(let chat), .messages(let chat): return chat.model
        case .completion(let completion): return completion.model
        case .embeddings(let embeddings): return embeddings.model
        case .responses(let responses): return responses.chat.model
        case .listModels, .retrieveModel, .health, .invalid, .countTokens: return nil
        }
    }

    /// Called for every message before it is rendered: a few comparisons and an integer bump per token.
    func observe(_ message: TranslatorMessage) {
        switch message {
        case .event(let event):
            reachedModel = true
            switch event {
            case .content, .reasoning, .toolCall:
                tokens += 1
                if firstTokenAfter == nil { firstTokenAfter = elapsed }
            case .usage(let usage): reportedUsage = usage
            case .finish, .logprobs: break
            }
        case .accepted, .embeddings: reachedModel = true
        case .error(let error):
            switch error.kind {
            case .upstreamBadRequest, .upstreamModelError, .throttled, .serviceUnavailable, .upstreamFailure,
                .upstreamTimeout, .modelStreamError:
                reachedModel = true
            default: break
            }
        case .end, .models, .health, .metrics: break
        }
    }

    /// Once, when the request is answered (or its client left).
    func reportMetrics(status: Int, wasStreaming: Bool) {
        let metrics = shim.metrics
        metrics.requestEnded(wasStreaming: wasStreaming)
        let model = reachedModel ? modelName.map { shim.modelLabel($0) } ?? "none" : "none"
        metrics.requestFinished(
            route: routeLabel, model: model, status: status, seconds: elapsed, firstToken: firstTokenAfter,
            tokens: tokens, usage: reportedUsage.map { ($0.promptTokens, $0.completionTokens) })
    }
}
