import GatewayWire
import OpenAIWire

extension ProxiedRequest {
    /// Legacy completions are named `cmpl-…`; created lazily, once, for the first event.
    func makeCompletionChunkStream() -> CompletionChunkStream {
        let completion = completionRequest
        return CompletionChunkStream(
            id: completionResponseId, created: created, model: completion?.model ?? "",
            includeUsage: completion?.includeUsage ?? false,
            promptTokenEstimate: UsageEstimate.promptTokens(forPrompt: completion?.prompt ?? .null))
    }

    func makeCompletionAssembler() -> CompletionAssembler {
        let completion = completionRequest
        return CompletionAssembler(
            id: completionResponseId, created: created, model: completion?.model ?? "",
            promptTokenEstimate: UsageEstimate.promptTokens(forPrompt: completion?.prompt ?? .null))
    }

    private var completionRequest: CompletionRequest? {
        if case .completion(let c) = operation { return c }
        return nil
    }
}
