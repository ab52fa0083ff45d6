import GatewayWire
import ModelFormats

/// A model's `reasoning` setting from `MODELS_FILE`, applied to its events: `think-tags` turns
/// `<think>…</think>` in the content into reasoning deltas; `think-tags-prefilled` does the same for
/// chat templates that put the opening `<think>` in the prompt (DeepSeek-R1's), so the output starts
/// inside the reasoning. Without a setting, events pass through untouched.
package struct ReasoningFilter {
    package static let modes = ["none", "think-tags", "think-tags-prefilled"]

    private var splitter: ThinkTagSplitter?

    package init(mode: String?) {
        switch mode {
        case "think-tags": splitter = ThinkTagSplitter(startsInReasoning: false)
        case "think-tags-prefilled": splitter = ThinkTagSplitter(startsInReasoning: true)
        default: splitter = nil
        }
    }

    package mutating func process(_ event: ModelEvent) -> [ModelEvent] {
        splitter?.process(event) ?? [event]
    }

    /// End of the answer: text held back because it could have been the start of a tag.
    package mutating func finish() -> [ModelEvent] {
        splitter?.finish() ?? []
    }
}
