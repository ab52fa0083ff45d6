import GatewayWire

/// Validates a `POST /v1/chat/completions` body as OpenAI does, before anything reaches a container,
/// so a malformed request gets OpenAI's 400 (with `param`) instead of a container's own error.
/// https://platform.openai.com/docs/api-reference/chat/create
///
/// Known parameters are type- and range-checked; unknown ones (container extensions such as `top_k`,
/// `repetition_penalty`) pass through untouched into `ChatRequest.parameters`, in the client's order.
/// `null` for an optional parameter means "default", as OpenAI accepts it.
package enum ChatRequestValidator {
    package static func validate(_ body: [UInt8]) -> Result<ChatRequest, GatewayError> {
        do {
            return .success(try chatRequest(body))
        } catch {
            return .failure(error)
        }
    }

    static func chatRequest(_ body: [UInt8]) throws(GatewayError) -> ChatRequest {
        let fields = try RequestBody.fields(body)
        // The typed members in one pass over the members (each key is there once by now), where a subscript
        // each searched them all again; the rest are checked below, in the client's order, as before.
        var modelValue: JSONValue?
        var messagesValue: JSONValue?
        var streamValue: JSONValue?
        var optionsValue: JSONValue?
        var others: [(String, JSONValue)] = []
        // `ToolRules.checkCombination` judges only these three members: without any of them it has nothing to
        // refuse, and its three searches of the members are skipped.
        var namesTools = false
        for (key, value) in fields {
            switch key {
            case "model": modelValue = value
            case "messages": messagesValue = value
            case "stream": streamValue = value
            case "stream_options": optionsValue = value
            case "tools", "tool_choice", "parallel_tool_calls":
                namesTools = true
                others.append((key, value))
            default: others.append((key, value))
            }
        }

        let model = try validateModel(modelValue)
        let messages = try MessagesValidator.validate(messagesValue)

        let stream = try optionalBool(streamValue, "stream") ?? false
        var includeUsage = false
        if let options = optionsValue, !options.isNull {
            guard stream else {
                throw GatewayError(
                    .invalidRequest, "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
                    param: "stream_options")
            }
            guard case .object = options else {
                throw ValidationMessage.invalidType("stream_options", expected: "an object", got: options)
            }
            includeUsage = try optionalBool(options["include_usage"], "stream_options.include_usage") ?? false
        }

        for (key, value) in others where !value.isNull { try ParameterRules.check(key, value) }
        if namesTools { try ToolRules.checkCombination(.object(fields)) }
        return ChatRequest(
            model: model, messages: messages, stream: stream, includeUsage: includeUsage, parameters: others)
    }

    private static func validateModel(_ value: JSONValue?) throws(GatewayError) -> String {
        guard let value, !value.isNull else { throw ValidationMessage.missing("model") }
        guard case .string(let model) = value else {
            throw ValidationMessage.invalidType("model", expected: "a string", got: value)
        }
        guard !model.isEmpty else { throw ValidationMessage.emptyString("model") }
        return model
    }

    static func optionalBool(_ value: JSONValue?, _ param: String) throws(GatewayError) -> Bool? {
        guard let value, !value.isNull else { return nil }
        guard case .bool(let b) = value else {
            throw ValidationMessage.invalidType(param, expected: "a boolean", got: value)
        }
        return b
    }
}
