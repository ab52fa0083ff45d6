import GatewayWire

/// One OpenAI chat message reduced to what a text prompt template can render: a role and plain text.
/// Errors name the offending field (`messages[2].content[0].type`) so the client gets a precise 400.
/// https://platform.openai.com/docs/api-reference/chat/create#chat-create-messages
package struct PromptMessage: Equatable, Sendable {
    package enum Role: Equatable, Sendable {
        /// `system`, and `developer`, which OpenAI defines as the system role for newer models.
        case system
        case user
        case assistant
        /// `tool`, and the deprecated `function` result.
        case tool
    }

    package var role: Role
    package var text: String
    /// Where the message was in `messages`, for error params.
    package var index: Int

    package init(role: Role, text: String, index: Int) {
        self.role = role
        self.text = text
        self.index = index
    }

    /// Text parts of an array `content` are joined with a newline, as vLLM's OpenAI server joins them.
    static let partSeparator = "\n"

    package static func read(_ messages: [JSONValue]) throws(GatewayError) -> [PromptMessage] {
        var out: [PromptMessage] = []
        for (index, message) in messages.enumerated() {
            out.append(try read(message, at: index))
        }
        return out
    }

    private static func read(_ message: JSONValue, at index: Int) throws(GatewayError) -> PromptMessage {
        let path = "messages[\(index)]"
        guard case .object = message else {
            throw GatewayError(.invalidRequest, "\(path) is not an object.", param: path)
        }
        let role: Role
        switch message["role"]?.stringValue {
        case "system"?, "developer"?: role = .system
        case "user"?: role = .user
        case "assistant"?: role = .assistant
        case "tool"?, "function"?: role = .tool
        case let other:
            throw GatewayError(
                .invalidRequest,
                "\(path).role \(other.map { "'\($0)'" } ?? "(missing)") is not a role a prompt template can render.",
                param: "\(path).role")
        }
        if role == .assistant, let calls = message["tool_calls"], !calls.isNull {
            // The native API has no tool calling, and each model family writes calls its own way.
            throw GatewayError(
                .invalidRequest,
                "This model is served through a text prompt template, which cannot render the tool calls in \(path).",
                param: "\(path).tool_calls")
        }
        return PromptMessage(role: role, text: try text(of: message["content"], at: "\(path).content"), index: index)
    }

    private static func text(of content: JSONValue?, at path: String) throws(GatewayError) -> String {
        switch content {
        case nil, .null?:
            return ""
        case .string(let s)?:
            return s
        case .array(let parts)?:
            var texts: [String] = []
            for (i, part) in parts.enumerated() {
                let type = part["type"]?.stringValue ?? ""
                // A refusal is the assistant's own earlier text, so it renders like text.
                guard type == "text" || type == "refusal", let text = part[type]?.stringValue else {
                    throw GatewayError(
                        .invalidRequest,
                        "This model is served through a text prompt template and takes text only; "
                            + "\(path)[\(i)] has type '\(type)'.",
                        param: "\(path)[\(i)].type")
                }
                texts.append(text)
            }
            return texts.joined(separator: partSeparator)
        case let other?:
            throw GatewayError(
                .invalidRequest, "\(path) must be a string or an array of text parts, not \(other.typeName).",
                param: path)
        }
    }
}
