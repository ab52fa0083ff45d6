import GatewayWire

/// Checks the shape of `messages` by role, as OpenAI's schema defines it; contents are passed through
/// untouched (the container renders them with its chat template).
/// https://platform.openai.com/docs/api-reference/chat/create#chat-create-messages
enum MessagesValidator {
    static let roles = ["system", "assistant", "user", "function", "tool", "developer"]

    /// Content part types each role may carry in an array `content`.
    private static func partTypes(for role: String) -> [String] {
        switch role {
        case "user": return ["text", "image_url", "input_audio", "file"]
        case "assistant": return ["text", "refusal"]
        default: return ["text"]
        }
    }

    static func validate(_ value: JSONValue?) throws(GatewayError) -> [JSONValue] {
        guard let value, !value.isNull else { throw ValidationMessage.missing("messages") }
        guard case .array(let messages) = value else {
            throw ValidationMessage.invalidType("messages", expected: "an array of objects", got: value)
        }
        guard !messages.isEmpty else { throw ValidationMessage.emptyArray("messages") }
        for (i, message) in messages.enumerated() {
            try validateMessage(message, at: "messages[\(i)]")
        }
        return messages
    }

    /// `path` (here and below) is made only for an error: every message of every request passes here.
    private static func validateMessage(_ message: JSONValue, at path: @autoclosure () -> String) throws(GatewayError) {
        try ParameterRules.object(path(), message)
        // The members read here, found in one pass (the last of a repeated key, as the subscript finds it):
        // a subscript each walked every member again, five times a message.
        var roleValue: JSONValue?
        var content: JSONValue?
        var nameValue: JSONValue?
        var toolCalls: JSONValue?
        var functionCall: JSONValue?
        for (key, value) in message.objectValue ?? [] {
            switch key {
            case "role": roleValue = value
            case "content": content = value
            case "name": nameValue = value
            case "tool_calls": toolCalls = value
            case "function_call": functionCall = value
            default: break
            }
        }
        guard let roleValue, !roleValue.isNull else {
            throw ValidationMessage.missing("\(path()).role")
        }
        guard case .string(let role) = roleValue else {
            throw ValidationMessage.invalidType("\(path()).role", expected: "a string", got: roleValue)
        }
        guard roles.contains(role) else {
            throw ValidationMessage.invalidValue("\(path()).role", role, supported: roles)
        }

        if let nameValue, !nameValue.isNull { try ParameterRules.string("\(path()).name", nameValue) }

        let hasToolCalls = toolCalls.map { !$0.isNull } ?? false
        let hasFunctionCall = functionCall.map { !$0.isNull } ?? false
        // Only an assistant turn that calls a tool, and a function result, may go without content.
        let contentOptional = (role == "assistant" && (hasToolCalls || hasFunctionCall)) || role == "function"
        try validateContent(content, role: role, optional: contentOptional, at: "\(path()).content")

        switch role {
        case "tool":
            try ParameterRules.requiredString(message, "tool_call_id", at: path())
        case "function":
            try ParameterRules.requiredString(message, "name", at: path())
        case "assistant" where hasToolCalls:
            try validateToolCalls(toolCalls ?? .null, at: "\(path()).tool_calls")
        default:
            break
        }
    }

    private static func validateContent(
        _ content: JSONValue?, role: String, optional: Bool, at path: @autoclosure () -> String
    ) throws(GatewayError) {
        switch content {
        case nil, .null?:
            guard optional else { throw ValidationMessage.missing(path()) }
        case .string?:
            return
        case .array(let parts)?:
            guard !parts.isEmpty else { throw ValidationMessage.emptyArray(path()) }
            let supported = partTypes(for: role)
            for (i, part) in parts.enumerated() {
                try validatePart(part, supported: supported, at: "\(path())[\(i)]")
            }
        case let other?:
            throw ValidationMessage.invalidType(path(), expected: "one of a string or array of objects", got: other)
        }
    }

    private static func validatePart(
        _ part: JSONValue, supported: [String], at path: @autoclosure () -> String
    ) throws(GatewayError) {
        try ParameterRules.object(path(), part)
        try ParameterRules.requiredString(part, "type", at: path())
        let type = part["type"]?.stringValue ?? ""
        guard supported.contains(type) else {
            throw ValidationMessage.invalidValue("\(path()).type", type, supported: supported)
        }
        switch type {
        case "text", "refusal":
            try ParameterRules.requiredString(part, type, at: path())
        case "image_url":
            guard let image = part["image_url"], !image.isNull else {
                throw ValidationMessage.missing("\(path()).image_url")
            }
            try ParameterRules.object("\(path()).image_url", image)
            try ParameterRules.requiredString(image, "url", at: "\(path()).image_url")
        default:
            // input_audio and file are passed through for containers that take them.
            return
        }
    }

    private static func validateToolCalls(_ value: JSONValue, at path: @autoclosure () -> String) throws(GatewayError) {
        guard case .array(let calls) = value else {
            throw ValidationMessage.invalidType(path(), expected: "an array", got: value)
        }
        for (i, call) in calls.enumerated() {
            func callPath() -> String { "\(path())[\(i)]" }
            try ParameterRules.object(callPath(), call)
            try ParameterRules.requiredString(call, "id", at: callPath())
            guard let function = call["function"], !function.isNull else {
                throw ValidationMessage.missing("\(callPath()).function")
            }
            try ParameterRules.object("\(callPath()).function", function)
            try ParameterRules.requiredString(function, "name", at: "\(callPath()).function")
            try ParameterRules.requiredString(function, "arguments", at: "\(callPath()).function")
        }
    }
}
