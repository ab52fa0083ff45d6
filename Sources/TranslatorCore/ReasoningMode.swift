/// A model's `reasoning` setting in `MODELS_FILE`: how reasoning text is found in its output
/// (`ReasoningFilter` applies it). An enum like `ModelRoute.Format`, so a typo fails at startup and
/// every use is checked by the compiler.
package enum ReasoningMode: String, CaseIterable, Sendable {
    /// Events pass through untouched (also what an absent setting means).
    case none
    /// `<think>…</think>` in the content becomes reasoning deltas.
    case thinkTags = "think-tags"
    /// The same, for chat templates that put the opening `<think>` in the prompt (DeepSeek-R1's): the
    /// output starts inside the reasoning.
    case thinkTagsPrefilled = "think-tags-prefilled"
}
