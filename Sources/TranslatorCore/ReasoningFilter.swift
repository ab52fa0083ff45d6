import GatewayWire
import ModelFormats

/// A model's `reasoning` setting from `MODELS_FILE` (`ReasoningMode`), applied to its events.
package struct ReasoningFilter {
    private var splitter: ThinkTagSplitter?

    package init(mode: ReasoningMode) {
        switch mode {
        case .thinkTags: splitter = ThinkTagSplitter(startsInReasoning: false)
        case .thinkTagsPrefilled: splitter = ThinkTagSplitter(startsInReasoning: true)
        case .none: splitter = nil
        }
    }

    /// No splitting configured: every event passes unchanged, so callers can skip ``process(_:)``'s array.
    package var passesThrough: Bool { splitter == nil }

    package mutating func process(_ event: ModelEvent) -> [ModelEvent] {
        splitter?.process(event) ?? [event]
    }

    /// End of the answer: text held back because it could have been the start of a tag.
    package mutating func finish() -> [ModelEvent] {
        splitter?.finish() ?? []
    }
}
