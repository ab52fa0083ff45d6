import GatewayWire
import OpenAIWire

/// `tools` and `tool_choice` in the Responses shape, mapped onto chat's. Only function tools exist here:
/// the built-in tools (`web_search`, `file_search`, `computer_use_preview`, `code_interpreter`, `mcp`, ...)
/// run inside OpenAI's platform, and a SageMaker model has nothing to run them with.
/// https://platform.openai.com/docs/api-reference/responses/create#responses-create-tools
enum ResponseTools {
    /// `{"type": "function", "name", "description", "parameters", "strict"}` → chat's
    /// `{"type": "function", "function": {...}}`, each checked as chat checks it.
    static func chatTools(_ value: JSONValue) throws(GatewayError) -> [JSONValue] {
        guard case .array(let tools) = value else {
            throw ValidationMessage.invalidType("tools", expected: "an array", got: value)
        }
        var out: [JSONValue] = []
        for (i, tool) in tools.enumerated() {
            let path = "tools[\(i)]"
            try ParameterRules.object(path, tool)
            try ParameterRules.requiredString(tool, "type", at: path)
            let type = tool["type"]?.stringValue ?? ""
            guard type == "function" else {
                throw GatewayError(
                    .invalidRequest,
                    "Tools of type '\(type)' are not supported: OpenAI runs its built-in tools on its own platform, "
                        + "and this gateway serves models on SageMaker. Define a 'function' tool that your code runs.",
                    param: "\(path).type")
            }
            try ParameterRules.requiredString(tool, "name", at: path)
            try ToolRules.checkName(tool["name"], at: "\(path).name")
            var function: [(String, JSONValue)] = [("name", tool["name"] ?? .null)]
            if let description = tool["description"], !description.isNull {
                try ParameterRules.string("\(path).description", description)
                function.append(("description", description))
            }
            if let parameters = tool["parameters"], !parameters.isNull {
                try ParameterRules.object("\(path).parameters", parameters)
                function.append(("parameters", parameters))
            }
            if let strict = tool["strict"], !strict.isNull {
                try ParameterRules.bool("\(path).strict", strict)
                function.append(("strict", strict))
            }
            out.append(.object([("type", .string("function")), ("function", .object(function))]))
        }
        return out
    }

    /// `"none"`, `"auto"`, `"required"`, or `{"type": "function", "name"}` (which must name one of `tools`).
    static func chatToolChoice(_ value: JSONValue, toolNames: [String]) throws(GatewayError) -> JSONValue {
        switch value {
        case .string(let mode):
            let supported = ["none", "auto", "required"]
            guard supported.contains(mode) else {
                throw ValidationMessage.invalidValue("tool_choice", mode, supported: supported)
            }
            return value
        case .object:
            try ParameterRules.requiredString(value, "type", at: "tool_choice")
            let type = value["type"]?.stringValue ?? ""
            guard type == "function" else {
                throw GatewayError(
                    .invalidRequest,
                    "'tool_choice' of type '\(type)' is not supported: only function tools run here, so "
                        + "'tool_choice' is 'none', 'auto', 'required' or {\"type\": \"function\", \"name\": ...}.",
                    param: "tool_choice.type")
            }
            try ParameterRules.requiredString(value, "name", at: "tool_choice")
            let name = value["name"]?.stringValue ?? ""
            guard toolNames.contains(name) else {
                throw GatewayError(
                    .invalidRequest, "Invalid value for 'tool_choice': no function named '\(name)' in 'tools'.",
                    param: "tool_choice")
            }
            return .object([("type", .string("function")), ("function", .object([("name", .string(name))]))])
        default:
            throw ValidationMessage.invalidType("tool_choice", expected: "one of a string or object", got: value)
        }
    }

    /// A tool as the `response` object lists it: OpenAI's `FunctionTool` shape, with `parameters` and
    /// `strict` (both required there) `null` when the client gave none.
    static func echo(_ tool: JSONValue) -> JSONValue {
        var members: [(String, JSONValue)] = [("type", .string("function"))]
        if let description = tool["description"], !description.isNull { members.append(("description", description)) }
        members.append(("name", tool["name"] ?? .null))
        members.append(("parameters", tool["parameters"] ?? .null))
        members.append(("strict", tool["strict"] ?? .null))
        return .object(members)
    }
}
