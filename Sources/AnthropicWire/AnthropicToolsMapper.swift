import GatewayWire

/// Anthropic's `tools` and `tool_choice` as OpenAI function tools, which vLLM, SGLang, LMI and TGI's
/// Messages API take. https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use
///
/// `tool_choice`: `auto` → `"auto"`, `any` → `"required"`, `tool` → the forced function, `none` → `"none"`;
/// `disable_parallel_tool_use: true` → `parallel_tool_calls: false`.
enum AnthropicToolsMapper {
    /// Anthropic's (and OpenAI's) rule for tool names: `^[a-zA-Z0-9_-]{1,64}$`.
    static let maxNameLength = 64

    static func tools(_ value: JSONValue) throws(GatewayError) -> (tools: JSONValue, names: [String]) {
        let items = try AnthropicValidation.array(value, "tools")
        var tools: [JSONValue] = []
        var names: [String] = []
        for (i, tool) in items.enumerated() {
            let path = "tools.\(i)"
            _ = try AnthropicValidation.object(tool, path)
            if let type = try AnthropicValidation.optionalString(tool["type"], "\(path).type"), type != "custom" {
                throw AnthropicValidation.unsupported(
                    "\(path).type", "'\(type)' is one of Anthropic's own tools; only custom tools reach a container")
            }
            let name = try AnthropicValidation.string(tool["name"], "\(path).name")
            try checkName(name, "\(path).name")
            let schema = try AnthropicValidation.object(tool["input_schema"], "\(path).input_schema")
            var function: [(String, JSONValue)] = [("name", .string(name))]
            if let description = try AnthropicValidation.optionalString(tool["description"], "\(path).description") {
                function.append(("description", .string(description)))
            }
            function.append(("parameters", schema))
            tools.append(.object([("type", .string("function")), ("function", .object(function))]))
            names.append(name)
        }
        return (.array(tools), names)
    }

    /// The OpenAI `tool_choice` and, when parallel calls are turned off, `parallel_tool_calls`.
    static func toolChoice(_ value: JSONValue, toolNames: [String]?) throws(GatewayError) -> [(String, JSONValue)] {
        let choice = try AnthropicValidation.object(value, "tool_choice")
        let type = try AnthropicValidation.blockType(
            choice, "tool_choice", supported: ["auto", "any", "tool", "none"])
        guard let toolNames else {
            throw AnthropicValidation.invalid(
                "tool_choice", "'tool_choice' may only be specified while providing 'tools'")
        }
        var out: [(String, JSONValue)] = []
        switch type {
        case "any": out.append(("tool_choice", .string("required")))
        case "none": out.append(("tool_choice", .string("none")))
        case "tool":
            let name = try AnthropicValidation.string(choice["name"], "tool_choice.name")
            guard toolNames.contains(name) else {
                throw AnthropicValidation.invalid("tool_choice.name", "no tool named '\(name)' in 'tools'")
            }
            out.append(
                (
                    "tool_choice",
                    .object([("type", .string("function")), ("function", .object([("name", .string(name))]))])
                ))
        default: out.append(("tool_choice", .string("auto")))
        }
        if try AnthropicValidation.optionalBool(
            choice["disable_parallel_tool_use"], "tool_choice.disable_parallel_tool_use")
            == true, type != "none"
        {
            out.append(("parallel_tool_calls", .bool(false)))
        }
        return out
    }

    private static func checkName(_ name: String, _ path: String) throws(GatewayError) {
        let allowed = name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
                return true
            default: return false
            }
        }
        guard allowed, !name.isEmpty, name.utf8.count <= maxNameLength else {
            throw AnthropicValidation.invalid(path, "String should match pattern '^[a-zA-Z0-9_-]{1,64}$'")
        }
    }
}
