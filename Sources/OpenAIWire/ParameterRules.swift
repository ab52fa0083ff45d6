import GatewayWire

/// Type and range rules for the chat parameters OpenAI defines; anything not listed here is a container
/// extension and is passed through unchecked. Ranges from
/// https://platform.openai.com/docs/api-reference/chat/create
package enum ParameterRules {
    package static func check(_ key: String, _ value: JSONValue) throws(GatewayError) {
        switch key {
        case "temperature": try decimal(key, value, min: 0, max: 2)
        case "top_p": try decimal(key, value, min: 0, max: 1)
        case "presence_penalty", "frequency_penalty": try decimal(key, value, min: -2, max: 2)
        case "n": try integer(key, value, min: 1, max: 128)
        case "max_tokens", "max_completion_tokens": try integer(key, value, min: 1, max: nil)
        case "top_logprobs": try integer(key, value, min: 0, max: 20)
        case "seed": try integer(key, value, min: nil, max: nil)
        case "logprobs", "parallel_tool_calls", "store": try bool(key, value)
        case "user": try string(key, value)
        case "logit_bias", "metadata": try object(key, value)
        case "stop": try stop(value)
        case "tools": try tools(value)
        case "tool_choice": try toolChoice(value)
        case "response_format": try responseFormat(value)
        default: return
        }
    }

    package static func decimal(_ param: String, _ value: JSONValue, min: Double, max: Double) throws(GatewayError) {
        guard case .number(let text) = value, let number = Double(text) else {
            throw ValidationMessage.invalidType(param, expected: "a decimal", got: value)
        }
        if number < min { throw ValidationMessage.below(param, kind: "decimal", minimum: format(min), got: text) }
        if number > max { throw ValidationMessage.above(param, kind: "decimal", maximum: format(max), got: text) }
    }

    package static func integer(_ param: String, _ value: JSONValue, min: Int?, max: Int?) throws(GatewayError) {
        // Digits beyond 64 bits are an integer still: say it is out of range, not that it is not an integer.
        if case .number(let text) = value, value.intValue == nil, ValidationMessage.isIntegerLiteral(text) {
            if text.hasPrefix("-") {
                throw ValidationMessage.below(param, kind: "integer", minimum: "\(min ?? Int.min)", got: text)
            }
            throw ValidationMessage.above(param, kind: "integer", maximum: "\(max ?? Int.max)", got: text)
        }
        guard case .number(let text) = value, let number = value.intValue else {
            throw ValidationMessage.invalidType(param, expected: "an integer", got: value)
        }
        if let min, number < min { throw ValidationMessage.below(param, kind: "integer", minimum: "\(min)", got: text) }
        if let max, number > max { throw ValidationMessage.above(param, kind: "integer", maximum: "\(max)", got: text) }
    }

    package static func bool(_ param: String, _ value: JSONValue) throws(GatewayError) {
        guard case .bool = value else { throw ValidationMessage.invalidType(param, expected: "a boolean", got: value) }
    }

    /// `param` is made only for the error: callers name nested values (`messages[3].content[0]`), and
    /// interpolating that for every value that passes cost an allocation and a format each.
    package static func string(_ param: @autoclosure () -> String, _ value: JSONValue) throws(GatewayError) {
        guard case .string = value else {
            throw ValidationMessage.invalidType(param(), expected: "a string", got: value)
        }
    }

    package static func object(_ param: @autoclosure () -> String, _ value: JSONValue) throws(GatewayError) {
        guard case .object = value else {
            throw ValidationMessage.invalidType(param(), expected: "an object", got: value)
        }
    }

    private static func format(_ bound: Double) -> String {
        bound == bound.rounded() ? String(Int(bound)) : String(bound)
    }

    /// `stop`: a string or up to 4 strings.
    private static func stop(_ value: JSONValue) throws(GatewayError) {
        switch value {
        case .string: return
        case .array(let items):
            guard items.count <= 4 else { throw ValidationMessage.arrayTooLong("stop", max: 4, got: items.count) }
            for (i, item) in items.enumerated() { try string("stop[\(i)]", item) }
        default:
            throw ValidationMessage.invalidType("stop", expected: "one of a string or array of strings", got: value)
        }
    }

    private static func tools(_ value: JSONValue) throws(GatewayError) {
        guard case .array(let items) = value else {
            throw ValidationMessage.invalidType("tools", expected: "an array", got: value)
        }
        for (i, tool) in items.enumerated() {
            let param = "tools[\(i)]"
            try object(param, tool)
            guard let type = tool["type"] else { throw ValidationMessage.missing("\(param).type") }
            guard type.stringValue == "function" else {
                throw ValidationMessage.invalidValue(
                    "\(param).type", type.stringValue ?? JSONWriter.string(type), supported: ["function"])
            }
            guard let function = tool["function"] else { throw ValidationMessage.missing("\(param).function") }
            try object("\(param).function", function)
            try requiredString(function, "name", at: "\(param).function")
            try ToolRules.checkName(function["name"], at: "\(param).function.name")
            if let parameters = function["parameters"], !parameters.isNull {
                try object("\(param).function.parameters", parameters)
            }
        }
    }

    /// `tool_choice`: `"none"`, `"auto"`, `"required"`, or `{"type": "function", "function": {"name": ...}}`.
    private static func toolChoice(_ value: JSONValue) throws(GatewayError) {
        switch value {
        case .string(let s):
            let supported = ["none", "auto", "required"]
            guard supported.contains(s) else {
                throw ValidationMessage.invalidValue("tool_choice", s, supported: supported)
            }
        case .object:
            try requiredString(value, "type", at: "tool_choice")
            if value["type"]?.stringValue == "function" {
                guard let function = value["function"] else { throw ValidationMessage.missing("tool_choice.function") }
                try object("tool_choice.function", function)
                try requiredString(function, "name", at: "tool_choice.function")
            }
        default:
            throw ValidationMessage.invalidType("tool_choice", expected: "one of a string or object", got: value)
        }
    }

    private static func responseFormat(_ value: JSONValue) throws(GatewayError) {
        try object("response_format", value)
        try requiredString(value, "type", at: "response_format")
        let type = value["type"]?.stringValue ?? ""
        let supported = ["text", "json_object", "json_schema"]
        guard supported.contains(type) else {
            throw ValidationMessage.invalidValue("response_format.type", type, supported: supported)
        }
        if type == "json_schema" {
            guard let schema = value["json_schema"] else {
                throw ValidationMessage.missing("response_format.json_schema")
            }
            try object("response_format.json_schema", schema)
            try requiredString(schema, "name", at: "response_format.json_schema")
            try ToolRules.checkName(schema["name"], at: "response_format.json_schema.name")
        }
    }

    /// `container[key]` must be present and a string; errors name `path.key`.
    package static func requiredString(
        _ container: JSONValue, _ key: String, at path: @autoclosure () -> String
    ) throws(GatewayError) {
        guard let value = container[key], !value.isNull else { throw ValidationMessage.missing("\(path()).\(key)") }
        try string("\(path()).\(key)", value)
    }
}
