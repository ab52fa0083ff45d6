/// How the shim shapes a model's answer where OpenAI-compatible servers disagree. The translator decides it
/// from the model's `MODELS_FILE` entry and sends it on the `accepted` frame (docs/protocol.md), because
/// only the translator knows the model's configuration and only the shim renders chunks.
package struct ResponseShape: Equatable, Sendable {
    /// The message field that carries reasoning text (`reasoning_output` in `MODELS_FILE`).
    package var reasoningField: ReasoningField

    package init(reasoningField: ReasoningField = .reasoningContent) {
        self.reasoningField = reasoningField
    }
}

/// The two names servers use for reasoning text in `choices[].delta` and `choices[].message`:
/// `reasoning_content` (DeepSeek's API, SGLang, vLLM before 2026) and `reasoning` (vLLM since early 2026).
/// https://docs.vllm.ai/en/latest/features/reasoning_outputs.html
package enum ReasoningField: String, CaseIterable, Sendable {
    case reasoningContent = "reasoning_content"
    case reasoning
}
