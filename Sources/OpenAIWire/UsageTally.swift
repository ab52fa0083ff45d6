import GatewayWire

/// The usage an answer reports: the container's own `usage` event when it sent one, else the prompt
/// estimate and one completion token per generated event (`UsageEstimate`). Chunk streams and
/// assemblers, chat and completions alike, keep one and feed it every event.
package struct UsageTally: Equatable, Sendable {
    package var promptTokenEstimate: Int
    private var reported: Usage?
    private var generatedEvents = 0

    package init(promptTokenEstimate: Int) {
        self.promptTokenEstimate = promptTokenEstimate
    }

    package mutating func observe(_ event: ModelEvent) {
        if UsageEstimate.countsAsCompletionToken(event) { generatedEvents += 1 }
        if case .usage(let usage) = event { reported = usage }
    }

    package var usage: Usage {
        reported ?? Usage(promptTokens: promptTokenEstimate, completionTokens: generatedEvents)
    }
}
