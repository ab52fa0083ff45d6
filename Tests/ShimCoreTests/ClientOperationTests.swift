import GatewayWire
import ResponsesWire
import ShimCore
import Testing

@Suite("ClientOperation")
struct ClientOperationTests {
    static func chat(stream: Bool) -> ChatRequest {
        ChatRequest(
            model: "m", messages: [.object([("role", .string("user")), ("content", .string("hi"))])], stream: stream,
            includeUsage: false, parameters: [])
    }
    static let completion = CompletionRequest(
        model: "m", prompt: .string("p"), stream: true, includeUsage: false, parameters: [])
    static let embeddings = EmbeddingsRequest(model: "e", input: .texts(["x"]))
    static let error = GatewayError(.invalidRequest, "bad")

    /// OpenAI chat, Anthropic messages and Responses are all one chat call for the translator; requests
    /// answered without a model only have their key judged, by listing models.
    @Test func everyOperationAsksTheTranslatorForTheRightThing() {
        let chat = Self.chat(stream: true)
        let responses = ResponsesRequest(chat: chat, echo: ResponseEcho())
        #expect(ClientOperation.chat(chat).wireOperation == .chatCompletion(chat))
        #expect(ClientOperation.messages(chat).wireOperation == .chatCompletion(chat))
        #expect(ClientOperation.responses(responses).wireOperation == .chatCompletion(chat))
        #expect(ClientOperation.completion(Self.completion).wireOperation == .completion(Self.completion))
        #expect(ClientOperation.embeddings(Self.embeddings).wireOperation == .embeddings(Self.embeddings))
        #expect(ClientOperation.retrieveModel("x").wireOperation == .retrieveModel(id: "x"))
        #expect(ClientOperation.health.wireOperation == .health)
        #expect(ClientOperation.listModels.wireOperation == .listModels)
        #expect(ClientOperation.invalid(Self.error).wireOperation == .listModels)
        #expect(ClientOperation.countTokens(chat).wireOperation == .listModels)
    }

    @Test func anthropicShapesFollowTheAPIAskedIn() {
        let chat = Self.chat(stream: false)
        #expect(ClientOperation.messages(chat).isAnthropic)
        #expect(ClientOperation.countTokens(chat).isAnthropic)
        #expect(ClientOperation.invalid(Self.error, anthropic: true).isAnthropic)
        #expect(!ClientOperation.invalid(Self.error).isAnthropic)
        #expect(!ClientOperation.chat(chat).isAnthropic)
        #expect(!ClientOperation.listModels.isAnthropic)
    }

    @Test func onlyStreamedRequestsStream() {
        #expect(ClientOperation.chat(Self.chat(stream: true)).clientStreams)
        #expect(!ClientOperation.chat(Self.chat(stream: false)).clientStreams)
        #expect(ClientOperation.messages(Self.chat(stream: true)).clientStreams)
        #expect(ClientOperation.completion(Self.completion).clientStreams)
        #expect(
            ClientOperation.responses(ResponsesRequest(chat: Self.chat(stream: true), echo: ResponseEcho()))
                .clientStreams)
        #expect(!ClientOperation.countTokens(Self.chat(stream: true)).clientStreams)
        #expect(!ClientOperation.embeddings(Self.embeddings).clientStreams)
    }
}
