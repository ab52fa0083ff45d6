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

    var fragments: [String] { Self.fragments(of: arguments) }

    /// `text` in pieces of `fragmentLength` characters (never inside a UTF-8 sequence).
    static func fragments(of text: String) -> [String] {
        var out: [String] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            out.append(String(rest.prefix(fragmentLength)))
            rest = rest.dropFirst(fragmentLength)
        }
        return out
    }

    /// Arguments that satisfy the tool's `parameters` schema in its property order: strings are `text` (the
    /// user's words without directives, so a test can put quotes or emoji in them), enums their first value.
    static func arguments(for tool: JSONValue, text: String) -> String {
        let value = instance(of: tool["function"]?["parameters"] ?? .null, text: text)
        guard case .object = value else { return "{}" }
        return JSONWriter.string(value)
    }

    /// A value of the JSON schema's shape, as guided decoding would produce; also the answer to a
    /// `response_format` of type `json_schema`. Objects with `properties` are filled in recursively.
    static func instance(of schema: JSONValue, text: String) -> JSONValue {
        if let first = schema["enum"]?.arrayValue?.first { return first }
        switch schema["type"]?.stringValue {
        case "string": return .string(text.isEmpty ? "emulated" : text)
        case "integer": return .int(42)
        case "number": return .number("1.5")
        case "boolean": return .bool(true)
        case "array": return .array([])
        case "object", nil:
            guard let properties = schema["properties"]?.objectValue else {
                return schema["type"] == nil ? .null : .object([])
            }
            return .object(properties.map { ($0.0, instance(of: $0.1, text: text)) })
        default: return .null
        }
    }
}
