import GatewayWire
import Testing

@testable import TranslatorCore

@Suite struct ReasoningFilterTests {
    private func run(_ mode: ReasoningMode, _ deltas: [String]) -> [ModelEvent] {
        var filter = ReasoningFilter(mode: mode)
        var out: [ModelEvent] = []
        for delta in deltas { out += filter.process(.content(choice: 0, text: delta)) }
        out += filter.process(.finish(choice: 0, reason: "stop"))
        return out + filter.finish()
    }

    private func texts(_ events: [ModelEvent]) -> (reasoning: String, content: String) {
        var reasoning = ""
        var content = ""
        for event in events {
            if case .reasoning(_, let t) = event { reasoning += t }
            if case .content(_, let t) = event { content += t }
        }
        return (reasoning, content)
    }

    @Test func withoutASettingEventsPassThrough() {
        let events = run(.none, ["<think>a</think>b"])
        #expect(events == [.content(choice: 0, text: "<think>a</think>b"), .finish(choice: 0, reason: "stop")])
        #expect(run(.none, ["x"]) == [.content(choice: 0, text: "x"), .finish(choice: 0, reason: "stop")])
    }

    @Test func thinkTagsSplitEvenAcrossDeltas() {
        let result = texts(run(.thinkTags, ["<thi", "nk>weigh", "ing</th", "ink>answer"]))
        #expect(result.reasoning == "weighing")
        #expect(result.content == "answer")
    }

    @Test func prefilledStartsInsideTheReasoning() {
        let result = texts(run(.thinkTagsPrefilled, ["weighing", "</think>", "answer"]))
        #expect(result.reasoning == "weighing")
        #expect(result.content == "answer")
    }

    @Test func catalogRefusesAnUnknownMode() {
        let file = #"{"models":[{"id":"m","endpoint":"e","reasoning":"telepathy"}]}"#
        guard case .failure(let error) = ModelCatalog.parse(modelsFile: Array(file.utf8), created: 0) else {
            Issue.record("accepted an unknown reasoning mode")
            return
        }
        #expect(error.message.contains("unknown reasoning telepathy"))
    }
}
