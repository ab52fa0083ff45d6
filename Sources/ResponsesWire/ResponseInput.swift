import GatewayWire
import OpenAIWire

/// Turns `input` (a string, or a list of items) into chat `messages`.
/// https://platform.openai.com/docs/api-reference/responses/create#responses-create-input
///
/// - `message` items (and "easy" messages without `type`): `input_text` becomes a `text` part and
///   `input_image` an `image_url` part; an assistant's `output_text` and `refusal` parts become its text.
/// - `function_call` items become an assistant turn's `tool_calls` (consecutive calls, and the assistant
///   message just before them, make one turn); `function_call_output` a `tool` message.
/// - `reasoning` items are dropped: a client passes them back so OpenAI's models can resume their own
///   (encrypted) reasoning, and a container's chat template has no place for earlier reasoning.
/// - Everything that needs stored state or a built-in tool (`item_reference`, `web_search_call`, ...) is
///   a 400 naming the item type.
enum ResponseInput {
    static let roles = ["user", "assistant", "system", "developer"]

    static func messages(_ value: JSONValue?) throws(GatewayError) -> [JSONValue] {
        switch value {
        case nil, .null?:
            throw ValidationMessage.missing("input")
        case .string(let text)?:
            return [.object([("role", .string("user")), ("content", .string(text))])]
        case .array(let items)?:
            guard !items.isEmpty else { throw ValidationMessage.emptyArray("input") }
            var messages: [JSONValue] = []
            for (i, item) in items.enumerated() {
                try append(item, at: "input[\(i)]", to: &messages)
            }
            return messages
        case let other?:
            throw ValidationMessage.invalidType("input", expected: "one of a string or array of objects", got: other)
        }
    }

    private static func append(_ item: JSONValue, at path: String, to messages: inout [JSONValue])
        throws(GatewayError)
    {
        try ParameterRules.object(path, item)
        let type: String
        switch item["type"] {
        case nil, .null?:
            guard item["role"] != nil else { throw ValidationMessage.missing("\(path).type") }
            type = "message"
        case .string(let t)?:
            type = t
        case let other?:
            throw ValidationMessage.invalidType("\(path).type", expected: "a string", got: other)
        }
        switch type {
        case "message":
            messages.append(try message(item, at: path))
        case "function_call":
            try appendFunctionCall(item, at: path, to: &messages)
        case "function_call_output":
            messages.append(try functionCallOutput(item, at: path))
        case "reasoning":
            return
        case "item_reference":
            throw GatewayError(
                .invalidRequest, "Item references are not supported. \(StoredResponses.advice)", param: "\(path).type")
        default:
            throw GatewayError(
                .invalidRequest,
                "Input items of type '\(type)' are not supported: this gateway runs function tools only, so "
                    + "'input' may hold 'message', 'function_call', 'function_call_output' and 'reasoning' items.",
                param: "\(path).type")
        }
    }

    private static func message(_ item: JSONValue, at path: String) throws(GatewayError) -> JSONValue {
        guard let roleValue = item["role"], !roleValue.isNull else { throw ValidationMessage.missing("\(path).role") }
        guard case .string(let role) = roleValue else {
            throw ValidationMessage.invalidType("\(path).role", expected: "a string", got: roleValue)
        }
        guard roles.contains(role) else { throw ValidationMessage.invalidValue("\(path).role", role, supported: roles) }
        let content: JSONValue
        switch item["content"] {
        case nil, .null?:
            throw ValidationMessage.missing("\(path).content")
        case .string(let text)?:
            content = .string(text)
        case .array(let parts)?:
            content =
                try role == "assistant"
                ? assistantText(parts, at: "\(path).content") : chatParts(parts, role: role, at: "\(path).content")
        case let other?:
            throw ValidationMessage.invalidType(
                "\(path).content", expected: "one of a string or array of objects", got: other)
        }
        return .object([("role", .string(role)), ("content", content)])
    }

    /// `input_text` → `text`, `input_image` → `image_url` (users only: chat has no images elsewhere).
    private static func chatParts(_ parts: [JSONValue], role: String, at path: String) throws(GatewayError)
        -> JSONValue
    {
        let supported = role == "user" ? ["input_text", "input_image"] : ["input_text"]
        var out: [JSONValue] = []
        for (i, part) in parts.enumerated() {
            let partPath = "\(path)[\(i)]"
            let type = try partType(part, supported: supported, at: partPath)
            if type == "input_text" {
                try ParameterRules.requiredString(part, "text", at: partPath)
                out.append(.object([("type", .string("text")), ("text", part["text"] ?? .null)]))
            } else {
                out.append(try imagePart(part, at: partPath))
            }
        }
        return .array(out)
    }

    private static func imagePart(_ part: JSONValue, at path: String) throws(GatewayError) -> JSONValue {
        guard let url = part["image_url"], !url.isNull else {
            if let fileID = part["file_id"], !fileID.isNull {
                throw GatewayError(
                    .invalidRequest,
                    "Uploaded files are not supported: send the image as a URL or a data URL in 'image_url'.",
                    param: "\(path).file_id")
            }
            throw ValidationMessage.missing("\(path).image_url")
        }
        try ParameterRules.string("\(path).image_url", url)
        var image: [(String, JSONValue)] = [("url", url)]
        if let detail = part["detail"], !detail.isNull {
            try ParameterRules.string("\(path).detail", detail)
            image.append(("detail", detail))
        }
        return .object([("type", .string("image_url")), ("image_url", .object(image))])
    }

    /// An assistant turn passed back: its `output_text` (and `refusal`) parts, as one string.
    private static func assistantText(_ parts: [JSONValue], at path: String) throws(GatewayError) -> JSONValue {
        var text = ""
        for (i, part) in parts.enumerated() {
            let partPath = "\(path)[\(i)]"
            let type = try partType(part, supported: ["output_text", "refusal", "input_text"], at: partPath)
            let key = type == "refusal" ? "refusal" : "text"
            try ParameterRules.requiredString(part, key, at: partPath)
            text += part[key]?.stringValue ?? ""
        }
        return .string(text)
    }

    private static func partType(_ part: JSONValue, supported: [String], at path: String) throws(GatewayError)
        -> String
    {
        try ParameterRules.object(path, part)
        try ParameterRules.requiredString(part, "type", at: path)
        let type = part["type"]?.stringValue ?? ""
        guard supported.contains(type) else {
            throw ValidationMessage.invalidValue("\(path).type", type, supported: supported)
        }
        return type
    }

    /// A call the model made earlier: joins the assistant turn right before it, or starts one.
    private static func appendFunctionCall(_ item: JSONValue, at path: String, to messages: inout [JSONValue])
        throws(GatewayError)
    {
        for key in ["call_id", "name", "arguments"] { try ParameterRules.requiredString(item, key, at: path) }
        let call = JSONValue.object([
            ("id", item["call_id"] ?? .null),
            ("type", .string("function")),
            ("function", .object([("name", item["name"] ?? .null), ("arguments", item["arguments"] ?? .null)])),
        ])
        if let last = messages.last, last["role"]?.stringValue == "assistant" {
            let calls = (last["tool_calls"]?.arrayValue ?? []) + [call]
            var turn = last.setting("tool_calls", to: .array(calls))
            if turn["content"]?.stringValue == "" { turn = turn.setting("content", to: .null) }
            messages[messages.count - 1] = turn
        } else {
            messages.append(
                .object([("role", .string("assistant")), ("content", .null), ("tool_calls", .array([call]))]))
        }
    }

    /// A tool's result; its `output` a string or `input_text` parts (chat `tool` messages hold only text).
    private static func functionCallOutput(_ item: JSONValue, at path: String) throws(GatewayError) -> JSONValue {
        try ParameterRules.requiredString(item, "call_id", at: path)
        let content: JSONValue
        switch item["output"] {
        case nil, .null?:
            throw ValidationMessage.missing("\(path).output")
        case .string(let text)?:
            content = .string(text)
        case .array(let parts)?:
            var text = ""
            for (i, part) in parts.enumerated() {
                let partPath = "\(path).output[\(i)]"
                _ = try partType(part, supported: ["input_text"], at: partPath)
                try ParameterRules.requiredString(part, "text", at: partPath)
                text += part["text"]?.stringValue ?? ""
            }
            content = .string(text)
        case let other?:
            throw ValidationMessage.invalidType(
                "\(path).output", expected: "one of a string or array of objects", got: other)
        }
        return .object([("role", .string("tool")), ("tool_call_id", item["call_id"] ?? .null), ("content", content)])
    }
}
