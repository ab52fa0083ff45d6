import GatewayWire
import OpenAIWire

/// Validates a `POST /v1/responses` body and maps it onto the typed `ChatRequest` the translator already
/// serves, so every container format answers the Responses API without knowing it exists.
/// https://platform.openai.com/docs/api-reference/responses/create
///
/// Mapped: `input` and `instructions` (a `system` message first) → `messages` (see `ResponseInput`);
/// `tools`, `tool_choice`, `parallel_tool_calls` (see `ResponseTools`); `text.format` → `response_format`;
/// `max_output_tokens` → `max_tokens`; `temperature`, `top_p`, `user` as they are. Accepted and not sent
/// to the model: `metadata` (echoed), `reasoning` (effort has no portable chat counterpart; echoed), and
/// the fields below that tune OpenAI's own platform. Refused: whatever needs a stored response
/// (`StoredResponses`). Other fields are container extensions (`top_k`, ...) and pass through, as in chat.
package enum ResponsesRequestValidator {
    /// Fields this type reads itself.
    static let mappedFields: Set<String> = [
        "model", "input", "instructions", "stream", "tools", "tool_choice", "parallel_tool_calls", "text",
        "max_output_tokens", "temperature", "top_p", "user", "metadata", "reasoning", "store",
        "previous_response_id", "conversation", "prompt", "background",
    ]
    /// OpenAI platform settings with nothing to do on a SageMaker endpoint: accepted, not sent.
    static let ignoredFields: Set<String> = [
        "include", "truncation", "service_tier", "top_logprobs", "max_tool_calls", "safety_identifier",
        "prompt_cache_key", "prompt_cache_retention", "prompt_cache_options", "stream_options",
        "context_management", "moderation",
    ]

    package static func validate(_ body: [UInt8]) -> Result<ResponsesRequest, GatewayError> {
        do {
            return .success(try request(body))
        } catch {
            return .failure(error)
        }
    }

    static func request(_ bytes: [UInt8]) throws(GatewayError) -> ResponsesRequest {
        let fields = try RequestBody.fields(bytes)
        let body = JSONValue.object(fields)
        let model = try RequestBody.model(body["model"])
        try StoredResponses.check(body)
        var echo = ResponseEcho()
        var parameters: [(String, JSONValue)] = []

        var messages: [JSONValue] = []
        if let instructions = present(body["instructions"]) {
            try ParameterRules.string("instructions", instructions)
            echo.instructions = instructions
            messages.append(.object([("role", .string("system")), ("content", instructions)]))
        }
        messages += try ResponseInput.messages(body["input"])

        var stream = false
        if let value = present(body["stream"]) {
            try ParameterRules.bool("stream", value)
            stream = value.boolValue ?? false
        }

        try mapTools(body, into: &parameters, echo: &echo)
        if let text = present(body["text"]) {
            if let format = try ResponseTextFormat.responseFormat(text) {
                parameters.append(("response_format", format))
            }
            echo.text = text
        }
        if let value = present(body["max_output_tokens"]) {
            try ParameterRules.integer("max_output_tokens", value, min: 1, max: nil)
            parameters.append(("max_tokens", value))
            echo.maxOutputTokens = value
        }
        for key in ["temperature", "top_p"] {
            guard let value = present(body[key]) else { continue }
            try ParameterRules.check(key, value)
            parameters.append((key, value))
            if key == "temperature" { echo.temperature = value } else { echo.topP = value }
        }
        if let value = present(body["user"]) {
            try ParameterRules.string("user", value)
            parameters.append(("user", value))
            echo.user = value.stringValue
        }
        if let value = present(body["metadata"]) {
            try checkMetadata(value)
            echo.metadata = value
        }
        if let value = present(body["reasoning"]) {
            try ParameterRules.object("reasoning", value)
            if let effort = present(value["effort"]) { try ParameterRules.string("reasoning.effort", effort) }
            echo.reasoning = value
        }
        for (key, value) in fields where !mappedFields.contains(key) && !ignoredFields.contains(key) {
            parameters.append((key, value))
        }
        let chat = ChatRequest(
            model: model, messages: messages, stream: stream, includeUsage: stream, parameters: parameters)
        return ResponsesRequest(chat: chat, echo: echo)
    }

    /// Tools go to the model only when there are some: `tool_choice` and `parallel_tool_calls` beside no
    /// tools mean nothing (chat containers refuse them), but a forced function must still be among them.
    private static func mapTools(
        _ body: JSONValue, into parameters: inout [(String, JSONValue)], echo: inout ResponseEcho
    )
        throws(GatewayError)
    {
        var tools: [JSONValue] = []
        if let value = present(body["tools"]) {
            tools = try ResponseTools.chatTools(value)
            echo.tools = (value.arrayValue ?? []).map(ResponseTools.echo)
        }
        let names = tools.compactMap { $0["function"]?["name"]?.stringValue }
        var choice: JSONValue?
        if let value = present(body["tool_choice"]) {
            choice = try ResponseTools.chatToolChoice(value, toolNames: names)
            echo.toolChoice = value
        }
        var parallel: JSONValue?
        if let value = present(body["parallel_tool_calls"]) {
            try ParameterRules.bool("parallel_tool_calls", value)
            parallel = value
            echo.parallelToolCalls = value
        }
        guard !tools.isEmpty else { return }
        parameters.append(("tools", .array(tools)))
        if let choice { parameters.append(("tool_choice", choice)) }
        if let parallel { parameters.append(("parallel_tool_calls", parallel)) }
    }

    /// Up to 16 string values, keys up to 64 characters, values up to 512, as OpenAI limits them.
    private static func checkMetadata(_ value: JSONValue) throws(GatewayError) {
        guard case .object(let members) = value else {
            throw ValidationMessage.invalidType("metadata", expected: "an object", got: value)
        }
        guard members.count <= 16 else {
            throw GatewayError(
                .invalidRequest,
                "Invalid 'metadata': too many properties. Expected at most 16, but got \(members.count).",
                param: "metadata")
        }
        for (key, item) in members {
            try ParameterRules.string("metadata.\(key)", item)
            guard key.count <= 64, (item.stringValue ?? "").count <= 512 else {
                throw GatewayError(
                    .invalidRequest,
                    "Invalid 'metadata.\(key)': keys are at most 64 characters and values at most 512.",
                    param: "metadata.\(key)")
            }
        }
    }

    /// The value, unless absent or `null` (which OpenAI reads as "the default").
    private static func present(_ value: JSONValue?) -> JSONValue? {
        guard let value, !value.isNull else { return nil }
        return value
    }
}
