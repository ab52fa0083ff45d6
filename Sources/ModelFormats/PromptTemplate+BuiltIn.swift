/// The named templates a `MODELS_FILE` entry can pick with `"prompt_template": "<name>"`. Each is its
/// model's Hugging Face `chat_template` written out, without the BOS token (see `PromptTemplate`).
extension PromptTemplate {
    package static let builtIns: [PromptTemplate] = [chatml, llama3, mistral, gemma, deepseek]

    package static func named(_ name: String) -> PromptTemplate? {
        builtIns.first { $0.name == name }
    }

    /// ChatML (OpenHermes, Qwen, Yi, many fine-tunes):
    /// `<|im_start|>{role}\n{content}<|im_end|>\n`, then `<|im_start|>assistant\n`.
    /// No tool role: Qwen wraps tool results in its own user-turn markup, other ChatML models have none.
    /// https://huggingface.co/teknium/OpenHermes-2.5-Mistral-7B#prompt-format
    package static let chatml = PromptTemplate(
        name: "chatml",
        system: .turn(Turn(before: "<|im_start|>system\n", after: "<|im_end|>\n")),
        user: Turn(before: "<|im_start|>user\n", after: "<|im_end|>\n"),
        assistant: Turn(before: "<|im_start|>assistant\n", after: "<|im_end|>\n"),
        generationPrompt: "<|im_start|>assistant\n")

    /// Llama 3 / 3.1 Instruct: `<|start_header_id|>{role}<|end_header_id|>\n\n{content | trim}<|eot_id|>`.
    /// Tool results use the `ipython` role, as Llama 3.1's template renders `tool` messages (trimmed here like
    /// every turn; 3.1 leaves them as sent). Llama 3.1's
    /// "Cutting Knowledge Date" system preamble and tool definitions are not added: use a custom template
    /// with a `prefix` if a deployment depends on them.
    /// https://www.llama.com/docs/model-cards-and-prompt-formats/meta-llama-3/
    package static let llama3 = PromptTemplate(
        name: "llama3",
        system: .turn(llama3Turn("system")),
        user: llama3Turn("user"),
        assistant: llama3Turn("assistant"),
        tool: llama3Turn("ipython"),
        generationPrompt: "<|start_header_id|>assistant<|end_header_id|>\n\n",
        trimsContent: true)

    private static func llama3Turn(_ role: String) -> Turn {
        Turn(before: "<|start_header_id|>\(role)<|end_header_id|>\n\n", after: "<|eot_id|>")
    }

    /// Mistral 7B Instruct v0.1/v0.2 and Mixtral 8x7B Instruct, as their current HF template (mistral-common's
    /// "v1" format) renders: ` [INST] {user} [/INST] {assistant}</s>`. No system role: the system text goes in
    /// front of the first user message, followed by a blank line. The prompt ends with ` [/INST]`; there is
    /// no separate generation prompt. (v0.3 and Nemo use other spacing and put the system text on the last
    /// user turn: use a custom template.)
    /// https://huggingface.co/mistralai/Mistral-7B-Instruct-v0.2/blob/main/tokenizer_config.json
    package static let mistral = PromptTemplate(
        name: "mistral",
        system: .beforeNextUser(separator: "\n\n"),
        user: Turn(before: " [INST] ", after: " [/INST]"),
        assistant: Turn(before: " ", after: "</s>"),
        generationPrompt: "")

    /// Gemma (2 and 3) instruction-tuned: `<start_of_turn>{user|model}\n{content | trim}<end_of_turn>\n`, then
    /// `<start_of_turn>model\n`. No system role: as Gemma 3's template does, the system text goes in front
    /// of the first user message followed by a blank line (Gemma 2's template refuses system messages).
    /// https://ai.google.dev/gemma/docs/core/prompt-structure
    package static let gemma = PromptTemplate(
        name: "gemma",
        system: .beforeNextUser(separator: "\n\n"),
        user: Turn(before: "<start_of_turn>user\n", after: "<end_of_turn>\n"),
        assistant: Turn(before: "<start_of_turn>model\n", after: "<end_of_turn>\n"),
        generationPrompt: "<start_of_turn>model\n",
        trimsContent: true)

    /// DeepSeek-V3 and DeepSeek-R1 (and R1's distills): system texts joined by a blank line at the very start,
    /// then `<｜User｜>{user}` and `<｜Assistant｜>{assistant}<｜end▁of▁sentence｜>` (U+FF5C fullwidth bars, U+2581
    /// in `end▁of▁sentence`). Earlier reasoning, up to `</think>`, is dropped from assistant turns as R1's
    /// template does. The prompt ends with `<｜Assistant｜>`, as V3's and R1's original templates do; R1's later
    /// template adds `<think>\n` after it, which a custom template can do together with
    /// `"reasoning": "think-tags-prefilled"`. Tool results are refused: DeepSeek's tool-output block belongs to
    /// the assistant's tool-call turn, which the native API cannot produce.
    /// https://huggingface.co/deepseek-ai/DeepSeek-R1/blob/main/tokenizer_config.json
    package static let deepseek = PromptTemplate(
        name: "deepseek",
        system: .start(separator: "\n\n"),
        user: Turn(before: "<｜User｜>", after: ""),
        assistant: Turn(before: "<｜Assistant｜>", after: "<｜end▁of▁sentence｜>"),
        generationPrompt: "<｜Assistant｜>",
        dropsAssistantReasoning: true)
}
