import GatewayWire

/// One tool call the emulated model makes: the function it names and the arguments JSON, cut into the
/// fragments a vLLM stream sends them in (`{"index", "id", "type", "function": {"name"}}` first, then
/// `{"index", "function": {"arguments": fragment}}`), so a client's reassembly is exercised.
/// https://docs.vllm.ai/en/latest/features/tool_calling.html
struct ScriptedToolCall: Equatable {
    var name: String
    var arguments: String

    /// Characters per streamed arguments fragment: small enough that every call spans several chunks.
    static let fragmentLength = 5

    var fragments: [String] {
        var out: [String] = []
        var rest = Substring(arguments)
        while !rest.isEmpty {
            out.append(String(rest.prefix(Self.fragmentLength)))
            rest = rest.dropFirst(Self.fragmentLength)
        }
        return out
    }

    /// Arguments that satisfy the tool's `parameters` schema in its property order: strings are `text` (the
    /// user's words without directives, so a test can put quotes or emoji in them), enums their first value.
    static func arguments(for tool: JSONValue, text: String) -> String {
        let properties = tool["function"]?["parameters"]?["properties"]?.objectValue ?? []
        return JSONWriter.string(.object(properties.map { ($0.0, value(for: $0.1, text: text)) }))
    }

    private static func value(for schema: JSONValue, text: String) -> JSONValue {
        if let first = schema["enum"]?.arrayValue?.first { return first }
        switch schema["type"]?.stringValue {
        case "string": return .string(text.isEmpty ? "emulated" : text)
        case "integer": return .int(42)
        case "number": return .number("1.5")
        case "boolean": return .bool(true)
        case "array": return .array([])
        case "object": return .object([])
        default: return .null
        }
    }
}
