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

    package mutating func process(_ event: ModelEvent) -> [ModelEvent] {
        splitter?.process(event) ?? [event]
    }

    /// End of the answer: text held back because it could have been the start of a tag.
    package mutating func finish() -> [ModelEvent] {
        splitter?.finish() ?? []
    }
}
