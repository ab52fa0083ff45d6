/// A validated legacy completions request (`POST /v1/completions`), backend-neutral like `ChatRequest`.
/// https://platform.openai.com/docs/api-reference/completions/create
package struct CompletionRequest: Equatable, Sendable {
    /// The `model` the client named; responses echo it back.
    package var model: String
    /// `prompt` as the client sent it: a string, a list of strings, a list of token ids, or a list of
    /// token id lists (validated in shape, passed on untouched).
    package var prompt: JSONValue
    package var stream: Bool
    /// `stream_options.include_usage`.
    package var includeUsage: Bool
    /// Every other field, in the client's order (`suffix`, `stop`, `logprobs`, `max_tokens`, container
    /// extensions such as `top_k`).
    package var parameters: [(String, JSONValue)]

    package init(
        model: String, prompt: JSONValue, stream: Bool, includeUsage: Bool, parameters: [(String, JSONValue)]
    ) {
        self.model = model
        self.prompt = prompt
        self.stream = stream
        self.includeUsage = includeUsage
        self.parameters = parameters
    }

    package static func == (lhs: CompletionRequest, rhs: CompletionRequest) -> Bool {
        lhs.model == rhs.model && lhs.prompt == rhs.prompt && lhs.stream == rhs.stream
            && lhs.includeUsage == rhs.includeUsage && JSONValue.object(lhs.parameters) == .object(rhs.parameters)
    }

    package func parameter(_ name: String) -> JSONValue? {
        parameters.last(where: { $0.0 == name })?.1
    }
}
