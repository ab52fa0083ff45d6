/// A validated `POST /v1/embeddings` request, backend-neutral.
/// https://platform.openai.com/docs/api-reference/embeddings/create
package struct EmbeddingsRequest: Equatable, Sendable {
    /// The inputs, one vector each, in order. A single string or token list arrives as a list of one.
    package enum Input: Equatable, Sendable {
        case texts([String])
        case tokenIds([[Int]])

        package var count: Int {
            switch self {
            case .texts(let t): return t.count
            case .tokenIds(let t): return t.count
            }
        }

        package var json: JSONValue {
            switch self {
            case .texts(let t): return .array(t.map(JSONValue.string))
            case .tokenIds(let t): return .array(t.map { .array($0.map(JSONValue.int)) })
            }
        }

        /// Inputs `range` of this list, same kind: the unit a batch is cut in.
        package func slice(_ range: Range<Int>) -> Input {
            switch self {
            case .texts(let t): return .texts(Array(t[range]))
            case .tokenIds(let t): return .tokenIds(Array(t[range]))
            }
        }
    }

    package enum EncodingFormat: String, Sendable {
        case float
        case base64
    }

    /// The `model` the client named; responses echo it back.
    package var model: String
    package var input: Input
    /// How the shim writes the vectors; the translator always gets floats from the container.
    package var encodingFormat: EncodingFormat
    package var dimensions: Int?
    /// `user` and container extensions (`truncate`, `normalize`, `truncate_prompt_tokens`), in the client's order.
    package var parameters: [(String, JSONValue)]

    package init(
        model: String, input: Input, encodingFormat: EncodingFormat = .float, dimensions: Int? = nil,
        parameters: [(String, JSONValue)] = []
    ) {
        self.model = model
        self.input = input
        self.encodingFormat = encodingFormat
        self.dimensions = dimensions
        self.parameters = parameters
    }

    package static func == (lhs: EmbeddingsRequest, rhs: EmbeddingsRequest) -> Bool {
        lhs.model == rhs.model && lhs.input == rhs.input && lhs.encodingFormat == rhs.encodingFormat
            && lhs.dimensions == rhs.dimensions && JSONValue.object(lhs.parameters) == .object(rhs.parameters)
    }
}
