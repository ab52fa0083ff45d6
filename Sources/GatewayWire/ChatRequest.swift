/// A validated chat completion request, backend-neutral: the shim builds it from the OpenAI body,
/// the translator turns it into whatever the model's container takes.
package struct ChatRequest: Equatable, Sendable {
    /// The `model` the client named; responses echo it back.
    package var model: String
    /// OpenAI `messages`, validated in shape, otherwise passed through untouched.
    package var messages: [JSONValue]
    package var stream: Bool
    /// `stream_options.include_usage`.
    package var includeUsage: Bool
    /// Every other field of the request, in the client's order (validated where OpenAI defines it,
    /// passed through where it is a container extension such as `top_k`).
    package var parameters: [(String, JSONValue)]

    package init(
        model: String, messages: [JSONValue], stream: Bool, includeUsage: Bool, parameters: [(String, JSONValue)]
    ) {
        self.model = model
        self.messages = messages
        self.stream = stream
        self.includeUsage = includeUsage
        self.parameters = parameters
    }

    package static func == (lhs: ChatRequest, rhs: ChatRequest) -> Bool {
        lhs.model == rhs.model && lhs.messages == rhs.messages && lhs.stream == rhs.stream
            && lhs.includeUsage == rhs.includeUsage && JSONValue.object(lhs.parameters) == .object(rhs.parameters)
    }

    package func parameter(_ name: String) -> JSONValue? {
        parameters.last(where: { $0.0 == name })?.1
    }

    /// `max_completion_tokens` is the current name; `max_tokens` the deprecated one most containers read.
    package var maxTokens: Int? { parameter("max_completion_tokens")?.intValue ?? parameter("max_tokens")?.intValue }
    package var choiceCount: Int { parameter("n")?.intValue ?? 1 }
}
