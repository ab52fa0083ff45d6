import GatewayWire

/// A validated `POST /v1/responses` body: the chat request the model answers (the translator sees an
/// ordinary chat completion), and what the `response` object echoes back of the client's request.
/// https://platform.openai.com/docs/api-reference/responses/create
package struct ResponsesRequest: Equatable, Sendable {
    package var chat: ChatRequest
    package var echo: ResponseEcho

    package init(chat: ChatRequest, echo: ResponseEcho) {
        self.chat = chat
        self.echo = echo
    }
}

/// The request fields a `response` object repeats. OpenAI's SDKs read several of them (`tools`,
/// `tool_choice`, `parallel_tool_calls`, `text`) and the spec requires them, so each has the value
/// OpenAI would report when the client left it out.
/// https://platform.openai.com/docs/api-reference/responses/object
package struct ResponseEcho: Equatable, Sendable {
    package var instructions: JSONValue = .null
    package var maxOutputTokens: JSONValue = .null
    package var parallelToolCalls: JSONValue = .bool(true)
    package var reasoning: JSONValue = .null
    package var temperature: JSONValue = .null
    package var text: JSONValue = .object([("format", .object([("type", .string("text"))]))])
    package var toolChoice: JSONValue = .string("auto")
    /// In the Responses shape (`{"type": "function", "name", ...}`), as the client sent them.
    package var tools: [JSONValue] = []
    package var topP: JSONValue = .null
    package var user: String?
    package var metadata: JSONValue = .object([])

    package init() {}
}
