import GatewayWire

/// `reasoning_output` in `MODELS_FILE`: the field clients read reasoning from, whichever one the container
/// writes (`reasoning_content` or `reasoning`) and whether it came from `think-tags` splitting. Clients
/// written for DeepSeek's API read `reasoning_content` (the default); those written for vLLM since early
/// 2026 read `reasoning`. https://docs.vllm.ai/en/latest/features/reasoning_outputs.html
extension ModelRoute {
    /// What the shim needs to render this model's answers, sent on the `accepted` frame.
    package var responseShape: ResponseShape { ResponseShape(reasoningField: reasoningOutput) }

    /// Checked when `MODELS_FILE` is read, so a typo stops the translator at start (or a reload is refused).
    static func reasoningOutput(_ value: JSONValue?, model id: String) -> Result<ReasoningField, ConfigError> {
        guard let value else { return .success(.reasoningContent) }
        let names = ReasoningField.allCases.map(\.rawValue)
        guard let name = value.stringValue, let field = ReasoningField(rawValue: name) else {
            return .failure(
                ConfigError(
                    "MODELS_FILE model \(id): \"reasoning_output\" must be one of \(names.joined(separator: ", ")); got \(JSONWriter.string(value))"
                ))
        }
        return .success(field)
    }
}
