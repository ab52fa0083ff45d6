import GatewayWire

/// OpenAI's rules for function names and for the fields that only mean something beside `tools`, checked
/// here so a client gets OpenAI's 400 rather than whatever the container says (vLLM answers a forced
/// function missing from `tools` with a 400 of its own; some containers silently ignore it).
/// https://platform.openai.com/docs/api-reference/chat/create#chat-create-tools
package enum ToolRules {
    /// Function and schema names: `^[a-zA-Z0-9_-]+$`, at most 64 characters.
    package static let maxNameLength = 64

    package static func checkName(_ value: JSONValue?, at param: String) throws(GatewayError) {
        guard let name = value?.stringValue else { return }
        let allowed = name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
                return true
            default: return false
            }
        }
        guard allowed, !name.isEmpty else {
            throw GatewayError(
                .invalidRequest,
                "Invalid '\(param)': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.",
                param: param)
        }
        guard name.utf8.count <= maxNameLength else {
            throw GatewayError(
                .invalidRequest,
                "Invalid '\(param)': string too long. Expected a string with maximum length \(maxNameLength), but got a string with length \(name.utf8.count) instead.",
                param: param)
        }
    }

    private static func refuseWithoutTools(_ key: String, in body: JSONValue) throws(GatewayError) {
        guard let value = body[key], !value.isNull else { return }
        throw GatewayError(
            .invalidRequest, "Invalid value for '\(key)': '\(key)' is only allowed when 'tools' are specified.",
            param: key)
    }

    /// `tool_choice` and `parallel_tool_calls` need `tools`; a forced function must be one of them.
    package static func checkCombination(_ body: JSONValue) throws(GatewayError) {
        let tools = body["tools"].flatMap { $0.isNull ? nil : $0.arrayValue }
        if tools == nil {
            // Each named, not a loop over an array literal: that allocated for every request.
            try refuseWithoutTools("tool_choice", in: body)
            try refuseWithoutTools("parallel_tool_calls", in: body)
        }
        guard let tools, let forced = body["tool_choice"]?["function"]?["name"]?.stringValue else { return }
        let names = tools.compactMap { $0["function"]?["name"]?.stringValue }
        guard names.contains(forced) else {
            let listed = names.isEmpty ? "" : " (\(ValidationMessage.englishList(names)))"
            throw GatewayError(
                .invalidRequest, "Invalid value for 'tool_choice': no function named '\(forced)' in 'tools'\(listed).",
                param: "tool_choice")
        }
    }
}
