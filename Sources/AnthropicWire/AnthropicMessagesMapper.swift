import GatewayWire

/// Anthropic's `system` and `messages` as OpenAI chat messages, the shape `ChatRequest` carries and every
/// container's chat template reads. https://docs.anthropic.com/en/api/messages
///
/// - `system` (a string or text blocks) becomes one leading `system` message.
/// - A user turn's `text` and `image` blocks become content parts (`image_url`, a `data:` URL for base64);
///   its `tool_result` blocks become `tool` messages placed before the rest of the turn, as OpenAI orders them.
/// - An assistant turn's `text` becomes its content and its `tool_use` blocks its `tool_calls`.
/// - `thinking` and `redacted_thinking` blocks are accepted and dropped: an OpenAI-format container takes no
///   reasoning input (and could not check a signature), so passing them back changes nothing.
enum AnthropicMessagesMapper {
    static func messages(system: JSONValue?, messages value: JSONValue?) throws(GatewayError) -> [JSONValue] {
        var out: [JSONValue] = []
        if let system, !system.isNull {
            out.append(.object([("role", .string("system")), ("content", .string(try systemText(system)))]))
        }
        let messages = try AnthropicValidation.array(value, "messages")
        guard !messages.isEmpty else {
            throw AnthropicValidation.invalid("messages", "List should have at least 1 item")
        }
        for (i, message) in messages.enumerated() {
            out += try mapMessage(message, at: "messages.\(i)")
        }
        return out
    }

    /// Text blocks are joined with a blank line between them, as separate paragraphs of one prompt.
    private static func systemText(_ system: JSONValue) throws(GatewayError) -> String {
        switch system {
        case .string(let s): return s
        case .array(let blocks):
            var texts: [String] = []
            for (i, block) in blocks.enumerated() {
                _ = try AnthropicValidation.blockType(block, "system.\(i)", supported: ["text"])
                texts.append(try AnthropicValidation.string(block["text"], "system.\(i).text"))
            }
            return texts.joined(separator: "\n\n")
        default:
            throw AnthropicValidation.invalid("system", "Input should be a valid string or a list of text blocks")
        }
    }

    private static func mapMessage(_ message: JSONValue, at path: String) throws(GatewayError) -> [JSONValue] {
        _ = try AnthropicValidation.object(message, path)
        let role = try AnthropicValidation.string(message["role"], "\(path).role")
        guard role == "user" || role == "assistant" else {
            throw AnthropicValidation.invalid("\(path).role", "Input should be 'user' or 'assistant'")
        }
        let content = message["content"]
        let blocks: [JSONValue]
        switch content {
        case .string(let text)?:
            return [.object([("role", .string(role)), ("content", .string(text))])]
        case .array(let items)?:
            guard !items.isEmpty || role == "assistant" else {
                throw AnthropicValidation.invalid("\(path).content", "List should have at least 1 item")
            }
            blocks = items
        case nil, .null?:
            throw AnthropicValidation.missing("\(path).content")
        default:
            throw AnthropicValidation.invalid("\(path).content", "Input should be a valid string or a list of blocks")
        }
        return role == "user"
            ? try userTurn(blocks, at: "\(path).content") : [try assistantTurn(blocks, at: "\(path).content")]
    }

    private static func userTurn(_ blocks: [JSONValue], at path: String) throws(GatewayError) -> [JSONValue] {
        var toolMessages: [JSONValue] = []
        var parts: [JSONValue] = []
        for (i, block) in blocks.enumerated() {
            let blockPath = "\(path).\(i)"
            let type = try AnthropicValidation.blockType(
                block, blockPath, supported: ["text", "image", "tool_result", "thinking", "redacted_thinking"])
            switch type {
            case "text": parts.append(try textPart(block, blockPath))
            case "image": parts.append(try imagePart(block, blockPath))
            case "tool_result": toolMessages.append(try toolMessage(block, blockPath))
            default: continue
            }
        }
        guard !parts.isEmpty else { return toolMessages }
        // A turn of text alone stays a plain string: every chat template reads that.
        let content: JSONValue =
            parts.allSatisfy { $0["type"]?.stringValue == "text" }
            ? .string(parts.compactMap { $0["text"]?.stringValue }.joined(separator: "\n\n")) : .array(parts)
        return toolMessages + [.object([("role", .string("user")), ("content", content)])]
    }

    private static func assistantTurn(_ blocks: [JSONValue], at path: String) throws(GatewayError) -> JSONValue {
        var texts: [String] = []
        var calls: [JSONValue] = []
        for (i, block) in blocks.enumerated() {
            let blockPath = "\(path).\(i)"
            let type = try AnthropicValidation.blockType(
                block, blockPath, supported: ["text", "tool_use", "thinking", "redacted_thinking"])
            switch type {
            case "text": texts.append(try AnthropicValidation.string(block["text"], "\(blockPath).text"))
            case "tool_use": calls.append(try toolCall(block, blockPath))
            default: continue
            }
        }
        var message: [(String, JSONValue)] = [("role", .string("assistant"))]
        message.append(("content", texts.isEmpty && !calls.isEmpty ? .null : .string(texts.joined())))
        if !calls.isEmpty { message.append(("tool_calls", .array(calls))) }
        return .object(message)
    }

    private static func textPart(_ block: JSONValue, _ path: String) throws(GatewayError) -> JSONValue {
        .object([
            ("type", .string("text")), ("text", .string(try AnthropicValidation.string(block["text"], "\(path).text"))),
        ])
    }

    /// `{"type": "base64", "media_type", "data"}` becomes a `data:` URL; `{"type": "url", "url"}` stays a URL.
    private static func imagePart(_ block: JSONValue, _ path: String) throws(GatewayError) -> JSONValue {
        let source = try AnthropicValidation.object(block["source"], "\(path).source")
        let kind = try AnthropicValidation.blockType(source, "\(path).source", supported: ["base64", "url"])
        let url: String
        if kind == "base64" {
            let mediaType = try AnthropicValidation.string(source["media_type"], "\(path).source.media_type")
            let supported = ["image/jpeg", "image/png", "image/gif", "image/webp"]
            guard supported.contains(mediaType) else {
                let listed = supported.map { "'\($0)'" }.joined(separator: ", ")
                throw AnthropicValidation.invalid("\(path).source.media_type", "Input should be \(listed)")
            }
            let data = try AnthropicValidation.string(source["data"], "\(path).source.data")
            url = "data:\(mediaType);base64,\(data)"
        } else {
            url = try AnthropicValidation.string(source["url"], "\(path).source.url")
        }
        return .object([("type", .string("image_url")), ("image_url", .object([("url", .string(url))]))])
    }

    /// `input` is sent on as the JSON text OpenAI's `arguments` carry.
    private static func toolCall(_ block: JSONValue, _ path: String) throws(GatewayError) -> JSONValue {
        let id = try AnthropicValidation.string(block["id"], "\(path).id")
        let name = try AnthropicValidation.string(block["name"], "\(path).name")
        let input = try AnthropicValidation.object(block["input"], "\(path).input")
        return .object([
            ("id", .string(id)), ("type", .string("function")),
            ("function", .object([("name", .string(name)), ("arguments", .string(JSONWriter.string(input)))])),
        ])
    }

    /// A tool message's content is text: text blocks are joined; OpenAI's `tool` role takes no images.
    /// `is_error` has no OpenAI field, so the model reads it as an `Error: ` prefix.
    private static func toolMessage(_ block: JSONValue, _ path: String) throws(GatewayError) -> JSONValue {
        let id = try AnthropicValidation.string(block["tool_use_id"], "\(path).tool_use_id")
        var text: String
        switch block["content"] {
        case nil, .null?: text = ""
        case .string(let s)?: text = s
        case .array(let items)?:
            var texts: [String] = []
            for (i, item) in items.enumerated() {
                let itemPath = "\(path).content.\(i)"
                let type = try AnthropicValidation.blockType(item, itemPath, supported: ["text", "image"])
                guard type == "text" else {
                    throw AnthropicValidation.unsupported(
                        "\(itemPath)", "an OpenAI-format container takes only text in a tool result")
                }
                texts.append(try AnthropicValidation.string(item["text"], "\(itemPath).text"))
            }
            text = texts.joined(separator: "\n\n")
        default:
            throw AnthropicValidation.invalid("\(path).content", "Input should be a valid string or a list of blocks")
        }
        if try AnthropicValidation.optionalBool(block["is_error"], "\(path).is_error") == true {
            text = "Error: " + text
        }
        return .object([("role", .string("tool")), ("tool_call_id", .string(id)), ("content", .string(text))])
    }
}
