import GatewayWire

/// A completion choice's log probabilities, gathered from however many pieces the container sent them in
/// (one per streamed chunk, or one object). The four lists concatenate; anything else in the objects is
/// not part of OpenAI's shape and is dropped.
/// https://platform.openai.com/docs/api-reference/completions/object
struct CompletionLogprobs {
    static let keys = ["tokens", "token_logprobs", "top_logprobs", "text_offset"]
    private var lists: [String: [JSONValue]] = [:]

    var isEmpty: Bool { lists.isEmpty }

    mutating func add(_ value: JSONValue) {
        guard case .object = value else { return }
        for key in Self.keys {
            if let items = value[key]?.arrayValue { lists[key, default: []] += items }
        }
    }

    var json: JSONValue {
        .object(Self.keys.map { ($0, .array(lists[$0] ?? [])) })
    }
}
