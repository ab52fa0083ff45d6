import GatewayWire
import ResponsesWire

/// What a client asked for, in the API it asked in. Not a copy of `GatewayRequest.Operation`: that is what
/// the translator is asked (one chat operation serves OpenAI chat, Anthropic messages and Responses alike),
/// while this also says which API's shapes the answer and the errors take, and carries requests answered
/// without a model (`invalid`, `countTokens`). `wireOperation` is the one mapping between the two.
package enum ClientOperation: Equatable, Sendable {
    case chat(ChatRequest)
    case completion(CompletionRequest)
    case embeddings(EmbeddingsRequest)
    /// Boxed: a Responses request is several times the size of any other payload, and inline it set the size of
    /// every operation, which each request copies and moves a few times.
    indirect case responses(ResponsesRequest)
    case listModels
    case retrieveModel(String)
    case health
    /// The body failed validation: the key is checked first (a `models` call), so a wrong key is a 401
    /// whatever the body, as OpenAI and Anthropic answer; a good one gets this error, in the shape of
    /// the API it was sent to.
    case invalid(GatewayError, anthropic: Bool = false)
    /// Anthropic's `POST /v1/messages`, served as a chat completion.
    case messages(ChatRequest)
    /// `POST /v1/messages/count_tokens`: the translator only judges the key (as for `/v1/models`).
    case countTokens(ChatRequest)

    /// What the translator is asked for this.
    package var wireOperation: GatewayRequest.Operation {
        switch self {
        case .chat(let chat), .messages(let chat): return .chatCompletion(chat)
        case .responses(let responses): return .chatCompletion(responses.chat)
        case .completion(let completion): return .completion(completion)
        case .embeddings(let embeddings): return .embeddings(embeddings)
        case .retrieveModel(let id): return .retrieveModel(id: id)
        case .health: return .health
        case .listModels, .invalid, .countTokens: return .listModels
        }
    }

    /// Answered in Anthropic's shapes (messages, events and errors).
    package var isAnthropic: Bool {
        switch self {
        case .messages, .countTokens: return true
        case .invalid(_, let anthropic): return anthropic
        default: return false
        }
    }

    /// The client asked for a stream (SSE), which keep-alive comments hold open while the model thinks.
    package var clientStreams: Bool {
        switch self {
        case .chat(let chat), .messages(let chat): return chat.stream
        case .completion(let completion): return completion.stream
        case .responses(let responses): return responses.chat.stream
        default: return false
        }
    }
}
