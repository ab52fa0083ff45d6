import GatewayWire

/// `prompt_template` in `MODELS_FILE`: a built-in's name, or a custom template as a JSON object of
/// patterns. A pattern is literal text with one `{content}` placeholder, the message's text; there is no
/// other syntax (no escapes, no conditionals), so what is written is what the model gets.
///
/// ```json
/// {"prefix": "<s>",
///  "system": "<|system|>\n{content}</s>\n",
///  "user": "<|user|>\n{content}</s>\n",
///  "assistant": "<|assistant|>\n{content}</s>\n",
///  "tool": "<|tool|>\n{content}</s>\n",
///  "generation_prompt": "<|assistant|>\n",
///  "trim_content": false}
/// ```
///
/// - `user`, `assistant`, `generation_prompt` (may be `""`): required.
/// - `prefix`: written once at the start, default `""`. Put a BOS token here only if the model's tokenizer
///   does not add one (see `PromptTemplate`).
/// - `system`: a system turn where the message appears. Without it the model has no system role: system
///   text goes in front of the next user message's content, joined by `system_separator` (default `"\n\n"`).
/// - `tool`: the turn for tool results; without it tool messages are refused with a 400.
/// - `trim_content`: strip whitespace around each message's text, as Jinja's `| trim` (default `false`).
extension PromptTemplate {
    private static let customFields = [
        "prefix", "system", "system_separator", "user", "assistant", "tool", "generation_prompt", "trim_content",
    ]

    package static func parse(_ value: JSONValue) -> Result<PromptTemplate, PromptTemplateError> {
        Result { () throws(PromptTemplateError) in try parseThrowing(value) }
    }

    private static func parseThrowing(_ value: JSONValue) throws(PromptTemplateError) -> PromptTemplate {
        switch value {
        case .string(let name):
            guard let template = named(name) else {
                let names = builtIns.map(\.name).joined(separator: ", ")
                throw PromptTemplateError("unknown template `\(name)` (built-ins: \(names); or an object of patterns)")
            }
            return template
        case .object(let members):
            if let unknown = members.first(where: { !customFields.contains($0.0) }) {
                throw PromptTemplateError(
                    field: unknown.0, "unknown field (fields: \(customFields.joined(separator: ", ")))")
            }
            let systemSeparator = try text(value, "system_separator")
            let system: SystemPlacement
            if let turn = try turn(value, "system") {
                guard systemSeparator == nil else {
                    throw PromptTemplateError(
                        field: "system_separator", "applies only without `system`, when system text joins a user turn")
                }
                system = .turn(turn)
            } else {
                system = .beforeNextUser(separator: systemSeparator ?? "\n\n")
            }
            guard case .bool(let trims) = value["trim_content"] ?? .bool(false) else {
                throw PromptTemplateError(field: "trim_content", "must be true or false")
            }
            return PromptTemplate(
                name: "custom", prefix: try literal(value, "prefix") ?? "", system: system,
                user: try required(turn(value, "user"), "user"),
                assistant: try required(turn(value, "assistant"), "assistant"),
                tool: try turn(value, "tool"),
                generationPrompt: try required(literal(value, "generation_prompt"), "generation_prompt"),
                trimsContent: trims)
        default:
            throw PromptTemplateError("must be a template name or an object of patterns, not \(value.typeName)")
        }
    }

    private static func text(_ object: JSONValue, _ field: String) throws(PromptTemplateError) -> String? {
        guard let value = object[field] else { return nil }
        guard case .string(let s) = value else {
            throw PromptTemplateError(field: field, "must be a string, not \(value.typeName)")
        }
        return s
    }

    /// Text written as is: a placeholder there would never be filled, so it is a mistake.
    private static func literal(_ object: JSONValue, _ field: String) throws(PromptTemplateError) -> String? {
        guard let s = try text(object, field) else { return nil }
        guard !s.contains(placeholder) else {
            throw PromptTemplateError(field: field, "is written as is and cannot hold \(placeholder)")
        }
        return s
    }

    private static func turn(_ object: JSONValue, _ field: String) throws(PromptTemplateError) -> Turn? {
        guard let pattern = try text(object, field) else { return nil }
        guard let turn = Turn(pattern: pattern) else {
            throw PromptTemplateError(field: field, "must contain \(placeholder) exactly once")
        }
        return turn
    }

    private static func required<T>(_ value: T?, _ field: String) throws(PromptTemplateError) -> T {
        guard let value else { throw PromptTemplateError(field: field, "is required") }
        return value
    }
}
