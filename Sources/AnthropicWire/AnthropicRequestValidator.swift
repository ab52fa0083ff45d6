import GatewayWire

/// Validates a `POST /v1/messages` (or `/v1/messages/count_tokens`) body as Anthropic's API does and maps it
/// onto the gateway's typed `ChatRequest`, so the translator serves it exactly like a chat completion.
/// https://docs.anthropic.com/en/api/messages and https://docs.anthropic.com/en/api/messages-count-tokens
///
/// Parameters: `max_tokens` → `max_tokens`, `stop_sequences` → `stop`, `temperature`, `top_p`, `top_k` (a
/// container extension, as vLLM and TGI read it), `metadata.user_id` → `user`, `tools` / `tool_choice` (see
/// `AnthropicToolsMapper`), `output_config.format` (structured output) → `response_format` `json_schema`.
/// Anthropic's fields about its own service (`thinking`, `output_config.effort`, `service_tier`, `speed`, `cache_control`, `container`, ...) are accepted and ignored: a reasoning model
/// reasons by its own configuration, and a container has no tiers, caches or code sandboxes. Fields
/// Anthropic does not define pass through as container extensions, as on `/v1/chat/completions`.
package enum AnthropicRequestValidator {
    package enum Route: Sendable {
        case messages
        /// `max_tokens` is not part of a token count; `stream` means nothing there.
        case countTokens
    }

    static let ignoredFields: Set<String> = [
        "thinking", "service_tier", "speed", "cache_control", "container", "context_management",
        "diagnostics", "inference_geo", "mcp_servers", "user_profile_id", "workspace_id",
    ]
    static let handledFields: Set<String> = [
        "model", "messages", "system", "max_tokens", "stream", "stop_sequences", "temperature", "top_p", "top_k",
        "metadata", "tools", "tool_choice", "output_config",
    ]

    package static func validate(_ body: [UInt8], route: Route = .messages) -> Result<ChatRequest, GatewayError> {
        do {
            return .success(try chatRequest(body, route: route))
        } catch {
            return .failure(error)
        }
    }

    static func chatRequest(_ bytes: [UInt8], route: Route) throws(GatewayError) -> ChatRequest {
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            throw GatewayError(.invalidRequest, "The request body is not valid JSON: \(error)")
        }
        guard case .object = json else {
            throw GatewayError(.invalidRequest, "The request body must be a JSON object, got \(json.typeName).")
        }
        let body = json
        let model = try AnthropicValidation.string(body["model"], "model")
        guard !model.isEmpty else {
            throw AnthropicValidation.invalid("model", "String should have at least 1 character")
        }
        let messages = try AnthropicMessagesMapper.messages(system: body["system"], messages: body["messages"])

        var parameters: [(String, JSONValue)] = []
        var stream = false
        if route == .messages {
            let maxTokens = try AnthropicValidation.integer(body["max_tokens"], "max_tokens", min: 1)
            parameters.append(("max_tokens", .int(maxTokens)))
            stream = try AnthropicValidation.optionalBool(body["stream"], "stream") ?? false
        }
        if let stops = body["stop_sequences"], !stops.isNull {
            let items = try AnthropicValidation.array(stops, "stop_sequences")
            for (i, item) in items.enumerated() { _ = try AnthropicValidation.string(item, "stop_sequences.\(i)") }
            if !items.isEmpty { parameters.append(("stop", .array(items))) }
        }
        for key in ["temperature", "top_p"] {
            guard let value = body[key], !value.isNull else { continue }
            try AnthropicValidation.number(value, key, min: 0, max: 1)
            parameters.append((key, value))
        }
        if let topK = body["top_k"], !topK.isNull {
            parameters.append(("top_k", .int(try AnthropicValidation.integer(topK, "top_k", min: 0))))
        }
        if let metadata = body["metadata"], !metadata.isNull {
            let object = try AnthropicValidation.object(metadata, "metadata")
            if let user = try AnthropicValidation.optionalString(object["user_id"], "metadata.user_id") {
                parameters.append(("user", .string(user)))
            }
        }
        var toolNames: [String]?
        if let tools = body["tools"], !tools.isNull {
            let mapped = try AnthropicToolsMapper.tools(tools)
            parameters.append(("tools", mapped.tools))
            toolNames = mapped.names
        }
        if let choice = body["tool_choice"], !choice.isNull {
            parameters += try AnthropicToolsMapper.toolChoice(choice, toolNames: toolNames)
        }
        if let config = body["output_config"], !config.isNull {
            let object = try AnthropicValidation.object(config, "output_config")
            if let format = object["format"], !format.isNull {
                parameters.append(("response_format", try responseFormat(format)))
            }
        }
        if let last = body["messages"]?.arrayValue?.last, last["role"]?.stringValue == "assistant" {
            parameters += prefill
        }
        if case .object(let members) = body {
            for (key, value) in members where !handledFields.contains(key) && !ignoredFields.contains(key) {
                parameters.append((key, value))
            }
        }
        // Usage is always part of Anthropic's answer: ask the container for its own counts.
        return ChatRequest(
            model: model, messages: messages, stream: stream, includeUsage: stream, parameters: parameters)
    }

    /// A last turn by the assistant is Anthropic's prefill: the model continues that text. vLLM and SGLang do
    /// so with these chat-template switches; other containers ignore them and answer after it.
    static let prefill: [(String, JSONValue)] = [
        ("continue_final_message", .bool(true)), ("add_generation_prompt", .bool(false)),
    ]

    /// `{"type": "json_schema", "schema": {...}}` as OpenAI's `response_format`, which vLLM and SGLang
    /// enforce with guided decoding. https://docs.anthropic.com/en/docs/build-with-claude/structured-outputs
    private static func responseFormat(_ format: JSONValue) throws(GatewayError) -> JSONValue {
        _ = try AnthropicValidation.blockType(format, "output_config.format", supported: ["json_schema"])
        let schema = try AnthropicValidation.object(format["schema"], "output_config.format.schema")
        return .object([
            ("type", .string("json_schema")),
            ("json_schema", .object([("name", .string("output")), ("schema", schema), ("strict", .bool(true))])),
        ])
    }
}
