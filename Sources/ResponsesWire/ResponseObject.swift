import GatewayWire
import OpenAIWire

/// The `response` object, in OpenAI's member order: what the request asked (echoed), what the model
/// produced, and how it ended. Every member the spec requires is present.
/// https://platform.openai.com/docs/api-reference/responses/object
package struct ResponseObject: Equatable, Sendable {
    package let id: String
    package let createdAt: Int
    /// The `model` the client named.
    package let model: String
    package let echo: ResponseEcho

    package init(id: String, createdAt: Int, model: String, echo: ResponseEcho) {
        self.id = id
        self.createdAt = createdAt
        self.model = model
        self.echo = echo
    }

    /// `resp_` and 48 alphanumerics; the part after `resp_` also names the response's items.
    package static func makeID() -> String {
        "resp_" + RequestID.random(count: 48)
    }

    var idStem: String { id.hasPrefix("resp_") ? String(id.dropFirst(5)) : id }

    /// `status` is `in_progress`, `completed`, `incomplete` or `failed`; `completedAt` only for `completed`;
    /// `usage` absent while in progress.
    func json(
        status: String, output: [JSONValue], usage: JSONValue?, error: JSONValue = .null,
        incompleteReason: String? = nil, completedAt: Int? = nil
    ) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .string(id)),
            ("object", .string("response")),
            ("created_at", .int(createdAt)),
            ("status", .string(status)),
            ("background", .bool(false)),
            ("completed_at", completedAt.map { .int($0) } ?? .null),
            ("error", error),
            ("incomplete_details", incompleteReason.map { .object([("reason", .string($0))]) } ?? .null),
            ("instructions", echo.instructions),
            ("max_output_tokens", echo.maxOutputTokens),
            ("max_tool_calls", .null),
            ("model", .string(model)),
            ("output", .array(output)),
            ("parallel_tool_calls", echo.parallelToolCalls),
            ("previous_response_id", .null),
            ("reasoning", echo.reasoning),
            // Nothing is kept (see `StoredResponses`): say so where OpenAI says `true`.
            ("store", .bool(false)),
            ("temperature", echo.temperature),
            ("text", echo.text),
            ("tool_choice", echo.toolChoice),
            ("tools", .array(echo.tools)),
            ("top_p", echo.topP),
            ("truncation", .string("disabled")),
        ]
        // The spec has no `null` usage: a response still in progress has none.
        if let usage { members.append(("usage", usage)) }
        if let user = echo.user { members.append(("user", .string(user))) }
        members.append(("metadata", echo.metadata))
        return .object(members)
    }
}
