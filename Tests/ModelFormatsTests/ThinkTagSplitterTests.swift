import GatewayWire
import Testing

@testable import ModelFormats

/// Runs `text` through the splitter cut into deltas at `cuts`, and joins adjacent same-kind events so
/// results compare independently of where the deltas were cut.
private func split(_ text: String, cuts: [Int], startsInReasoning: Bool = false) -> [ModelEvent] {
    var splitter = ThinkTagSplitter(startsInReasoning: startsInReasoning)
    let characters = Array(text)
    var events: [ModelEvent] = []
    var start = 0
    for end in cuts + [characters.count] where end >= start {
        events += splitter.process(.content(choice: 0, text: String(characters[start..<end])))
        start = end
    }
    events += splitter.process(.finish(choice: 0, reason: "stop")) + splitter.finish()
    var merged: [ModelEvent] = []
    for event in events {
        switch (merged.last, event) {
        case (.content(let c, let a)?, .content(let d, let b)) where c == d:
            merged[merged.count - 1] = .content(choice: c, text: a + b)
        case (.reasoning(let c, let a)?, .reasoning(let d, let b)) where c == d:
            merged[merged.count - 1] = .reasoning(choice: c, text: a + b)
        default: merged.append(event)
        }
    }
    return merged
}

@Test func tagsSplitAnywhereGiveTheSameEvents() {
    let text = "<think>plan 🚀</think>answer <b>bold</b> <thin"
    let expected: [ModelEvent] = [
        .reasoning(choice: 0, text: "plan 🚀"), .content(choice: 0, text: "answer <b>bold</b> <thin"),
        .finish(choice: 0, reason: "stop"),
    ]
    #expect(split(text, cuts: []) == expected)
    for cut in 0...text.count { #expect(split(text, cuts: [cut]) == expected, "cut at \(cut)") }
    #expect(split(text, cuts: Array(0...text.count)) == expected)
}

@Test func startsInReasoningWithOrWithoutOpeningTag() {
    let expected: [ModelEvent] = [
        .reasoning(choice: 0, text: "why"), .content(choice: 0, text: "\n\nbecause"),
        .finish(choice: 0, reason: "stop"),
    ]
    for text in ["why</think>\n\nbecause", "<think>why</think>\n\nbecause", "\n<think>why</think>\n\nbecause"] {
        for cut in 0...text.count {
            #expect(split(text, cuts: [cut], startsInReasoning: true) == expected, "\(text) cut at \(cut)")
        }
    }
}

@Test func otherEventsPassThrough() {
    var splitter = ThinkTagSplitter()
    let usage = ModelEvent.usage(Usage(promptTokens: 1, completionTokens: 1))
    #expect(splitter.process(usage) == [usage])
    #expect(splitter.process(.reasoning(choice: 2, text: "r")) == [.reasoning(choice: 2, text: "r")])
}
