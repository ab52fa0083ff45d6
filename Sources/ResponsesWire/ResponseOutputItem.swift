import GatewayWire

/// One item of a response's `output` while it is built: the model's reasoning, its message, or one
/// function call. https://platform.openai.com/docs/api-reference/responses/object#responses/object-output
struct ResponseOutputItem: Equatable {
    enum Kind: Equatable {
        case reasoning
        case message
        /// The chat tool call's `index`, which ties later argument deltas to this item.
        case functionCall(index: Int)
    }

    let kind: Kind
    let id: String
    /// The reasoning text, the message text, or the call's arguments so far.
    var text = ""
    var callID = ""
    var name = ""
    /// `in_progress` while streaming, then `completed`, or `incomplete` when the token limit cut it.
    var status = "in_progress"

    init(kind: Kind, id: String) {
        self.kind = kind
        self.id = id
    }

    /// The content part a reasoning or message item holds (function calls have none).
    var part: JSONValue {
        switch kind {
        case .reasoning:
            return .object([("type", .string("reasoning_text")), ("text", .string(text))])
        case .message, .functionCall:
            return .object([
                ("type", .string("output_text")), ("annotations", .array([])), ("logprobs", .array([])),
                ("text", .string(text)),
            ])
        }
    }

    /// The item as `output` lists it. While in progress (`output_item.added`) a message or reasoning item
    /// has no content yet: its part arrives with `content_part.added`, as OpenAI streams it.
    var json: JSONValue {
        let content: JSONValue = status == "in_progress" ? .array([]) : .array([part])
        switch kind {
        case .reasoning:
            // Open models' reasoning is their raw text (`reasoning_text` content), not OpenAI's summary.
            return .object([
                ("id", .string(id)), ("type", .string("reasoning")), ("summary", .array([])), ("content", content),
                ("status", .string(status)),
            ])
        case .message:
            return .object([
                ("id", .string(id)), ("type", .string("message")), ("status", .string(status)), ("content", content),
                ("role", .string("assistant")),
            ])
        case .functionCall:
            return .object([
                ("id", .string(id)), ("type", .string("function_call")), ("status", .string(status)),
                ("arguments", .string(text)), ("call_id", .string(callID)), ("name", .string(name)),
            ])
        }
    }
}
