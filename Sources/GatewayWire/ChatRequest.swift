/// A validated chat completion request, backend-neutral: the shim builds it from the OpenAI body,
/// the translator turns it into whatever the model's container takes.
package struct ChatRequest: Equatable, Sendable {
    /// `messages` as values, or, in a request the translator read from a frame, as the frame spelled them
    /// (`WrittenJSON`): an `openai` container takes them as they are, so they are read only when a format
    /// needs them (a prompt template).
    private enum Messages: Sendable {
        case values([JSONValue])
        case written(ArraySlice<UInt8>)
    }

    /// The `model` the client named; responses echo it back.
    package var model: String
    private var storedMessages: Messages
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
        self.storedMessages = .values(messages)
        self.stream = stream
        self.includeUsage = includeUsage
        self.parameters = parameters
    }

    /// `messages` given as the bytes of a JSON array spelled as `JSONWriter` spells it (`WrittenJSON` said so).
    init(
        model: String, writtenMessages: ArraySlice<UInt8>, stream: Bool, includeUsage: Bool,
        parameters: [(String, JSONValue)]
    ) {
        self.model = model
        self.storedMessages = .written(writtenMessages)
        self.stream = stream
        self.includeUsage = includeUsage
        self.parameters = parameters
    }

    /// OpenAI `messages`, validated in shape, otherwise passed through untouched.
    package var messages: [JSONValue] {
        get {
            switch storedMessages {
            case .values(let values): return values
            // Checked to be an array when the frame was read, so the parse cannot fail.
            case .written(let bytes): return (try? JSONParser.parse(Array(bytes)))?.arrayValue ?? []
            }
        }
        set { storedMessages = .values(newValue) }
    }

    /// `messages` as `JSONWriter.write(.array(messages))` writes them, appended to `out`.
    package func writeMessages(into out: inout [UInt8]) {
        switch storedMessages {
        case .values(let values): JSONWriter.write(.array(values), into: &out)
        case .written(let bytes): out.append(contentsOf: bytes)
        }
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
