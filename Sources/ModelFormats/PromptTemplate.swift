import GatewayWire

/// Renders chat messages into the one `inputs` string TGI's native API takes, as the model's own Hugging
/// Face chat template would with `add_generation_prompt=True`: the prompt ends where the assistant's
/// answer begins. Plain string concatenation, no template engine: each built-in is written out from its
/// model's `chat_template`, and a custom one is a handful of patterns (`PromptTemplate+Config.swift`).
/// https://huggingface.co/docs/transformers/main/en/chat_templating
///
/// BOS policy: no template writes the beginning-of-sequence token. TGI tokenizes `inputs` with
/// `add_special_tokens` on, so the model's tokenizer prepends BOS itself (`<s>`, `<|begin_of_text|>`,
/// `<bos>`, `<｜begin▁of▁sentence｜>`); writing it here as well would give the model two. Each built-in
/// is therefore its HF template rendered with `bos_token` empty. For a tokenizer that adds no BOS, a
/// custom template can put one in `prefix`.
///
/// Conversations the HF templates reject (roles not alternating, a system message after the first turn
/// for models without a system role) are rendered rather than refused: the model sees what it was sent.
package struct PromptTemplate: Equatable, Sendable {
    /// Text around one message's content.
    package struct Turn: Equatable, Sendable {
        package var before: String
        package var after: String

        package init(before: String, after: String) {
            self.before = before
            self.after = after
        }

        /// From a pattern holding `{content}` exactly once; `nil` otherwise.
        package init?(pattern: String) {
            let parts = pattern.split(separator: PromptTemplate.placeholder, omittingEmptySubsequences: false)
            guard parts.count == 2 else { return nil }
            self.init(before: String(parts[0]), after: String(parts[1]))
        }

        func wrap(_ content: String) -> String { before + content + after }
    }

    /// Where system (and developer) messages go.
    package enum SystemPlacement: Equatable, Sendable {
        /// A turn of its own, where the message appears.
        case turn(Turn)
        /// In front of the next user message's content, joined by `separator`, for models without a system
        /// role (Mistral, Gemma). With no user message after it, it becomes a user turn of its own.
        case beforeNextUser(separator: String)
        /// All system texts joined by `separator`, right after `prefix` (DeepSeek).
        case start(separator: String)
    }

    /// The only placeholder a pattern knows.
    package static let placeholder = "{content}"

    /// The built-in's name, or `custom`.
    package var name: String
    /// Written once, before everything else.
    package var prefix: String
    package var system: SystemPlacement
    package var user: Turn
    package var assistant: Turn
    /// `nil` when the model has no role for tool results: tool messages are then a client error.
    package var tool: Turn?
    /// Written last: the start of the assistant turn the model is to complete.
    package var generationPrompt: String
    /// Strip leading and trailing whitespace from each message, as Jinja's `| trim` does in the Llama 3 and
    /// Gemma templates (the system text folded into a user turn is not trimmed, as in Gemma's).
    package var trimsContent: Bool
    /// Drop everything up to the last `</think>` of an assistant message, as DeepSeek-R1's template does, so
    /// earlier reasoning is not fed back.
    package var dropsAssistantReasoning: Bool

    package init(
        name: String, prefix: String = "", system: SystemPlacement, user: Turn, assistant: Turn, tool: Turn? = nil,
        generationPrompt: String, trimsContent: Bool = false, dropsAssistantReasoning: Bool = false
    ) {
        self.name = name
        self.prefix = prefix
        self.system = system
        self.user = user
        self.assistant = assistant
        self.tool = tool
        self.generationPrompt = generationPrompt
        self.trimsContent = trimsContent
        self.dropsAssistantReasoning = dropsAssistantReasoning
    }

    /// The prompt for OpenAI `messages`; errors are client errors naming the message at fault.
    package func render(_ messages: [JSONValue]) throws(GatewayError) -> String {
        try render(PromptMessage.read(messages))
    }

    package func render(_ messages: [PromptMessage]) throws(GatewayError) -> String {
        var out = prefix
        var pendingSystem: [String] = []
        if case .start(let separator) = system {
            out += messages.filter { $0.role == .system }.map(\.text).joined(separator: separator)
        }
        for message in messages {
            switch message.role {
            case .system:
                switch system {
                case .turn(let turn): out += turn.wrap(content(message.text))
                case .beforeNextUser: pendingSystem.append(message.text)
                case .start: break
                }
            case .user:
                out += user.wrap(withPendingSystem(&pendingSystem, content(message.text)))
            case .assistant:
                out += assistant.wrap(
                    content(dropsAssistantReasoning ? Self.afterReasoning(message.text) : message.text))
            case .tool:
                guard let tool else {
                    throw GatewayError(
                        .invalidRequest,
                        "The `\(name)` prompt template has no role for tool results; messages[\(message.index)] "
                            + "cannot be rendered.",
                        param: "messages[\(message.index)].role")
                }
                out += tool.wrap(content(message.text))
            }
        }
        if !pendingSystem.isEmpty {
            out += user.wrap(withPendingSystem(&pendingSystem, nil))
        }
        return out + generationPrompt
    }

    /// `text` with the system texts waiting for a user turn in front of it.
    private func withPendingSystem(_ pending: inout [String], _ text: String?) -> String {
        guard case .beforeNextUser(let separator) = system, !pending.isEmpty else { return text ?? "" }
        defer { pending.removeAll() }
        return (pending + (text.map { [$0] } ?? [])).joined(separator: separator)
    }

    private func content(_ text: String) -> String {
        trimsContent ? text.trimmingWhitespace() : text
    }

    private static func afterReasoning(_ text: String) -> String {
        guard let end = text.ranges(of: "</think>").last else { return text }
        return String(text[end.upperBound...])
    }
}
