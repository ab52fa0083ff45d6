/// What a model produced, typed and independent of the container's framing. The translator sends these
/// in order; the shim renders them as `chat.completion.chunk`s or folds them into one `chat.completion`.
package enum ModelEvent: Equatable, Sendable {
    case content(choice: Int, text: String)
    case reasoning(choice: Int, text: String)
    case toolCall(choice: Int, ToolCallDelta)
    case finish(choice: Int, reason: String)
    case usage(Usage)
    /// Completions-style log probabilities (`tokens`, `token_logprobs`, `top_logprobs`, `text_offset`)
    /// for the text events of the same choice just before it, as the container sent them.
    /// https://platform.openai.com/docs/api-reference/completions/object
    case logprobs(choice: Int, JSONValue)
}

package struct ToolCallDelta: Equatable, Sendable {
    package var index: Int
    package var id: String?
    package var name: String?
    package var arguments: String

    package init(index: Int, id: String? = nil, name: String? = nil, arguments: String = "") {
        self.index = index
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}

package struct Usage: Equatable, Sendable {
    package var promptTokens: Int
    package var completionTokens: Int
    package var totalTokens: Int

    package init(promptTokens: Int, completionTokens: Int, totalTokens: Int? = nil) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        // The counts are the container's: a nonsense pair must not trap the process.
        self.totalTokens = totalTokens ?? Usage.saturatingSum(promptTokens, completionTokens)
    }

    /// `a + b`, or the nearest representable value when the container's counts overflow.
    package static func saturatingSum(_ a: Int, _ b: Int) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? Int.max : Int.min) : sum
    }
}
