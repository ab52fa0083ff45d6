import GatewayWire
import Testing

@testable import OpenAIWire

private func assemble(_ events: [ModelEvent], promptEstimate: Int = 0) -> String {
    var assembler = ChatCompletionAssembler(
        id: "chatcmpl-1", created: 1700000000, model: "alias", promptTokenEstimate: promptEstimate)
    assembler.add(contentsOf: events)
    return String(decoding: assembler.bytes(), as: UTF8.self)
}

@Test func foldsContentWithReportedUsage() {
    let out = assemble([
        .content(choice: 0, text: "héllo 🚀"), .content(choice: 0, text: " 日本語\n\"q\""),
        .finish(choice: 0, reason: "stop"),
        .usage(Usage(promptTokens: 9, completionTokens: 3)),
    ])
    #expect(
        out
            == #"{"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"alias","choices":[{"index":0,"message":{"role":"assistant","content":"héllo 🚀 日本語\n\"q\"","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}}"#
    )
}

@Test func toolCallsSplitOverDeltasWithNullContent() {
    let out = assemble([
        .toolCall(choice: 0, ToolCallDelta(index: 0, id: "call_a", name: "get_weather", arguments: "")),
        .toolCall(choice: 0, ToolCallDelta(index: 0, arguments: "{\"city\":")),
        .toolCall(choice: 0, ToolCallDelta(index: 1, id: "call_b", name: "now")),
        .toolCall(choice: 0, ToolCallDelta(index: 0, arguments: "\"Paris\"}")),
        .finish(choice: 0, reason: "tool_calls"),
    ])
    #expect(
        out
            == #"{"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"alias","choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":null,"tool_calls":[{"id":"call_a","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},{"id":"call_b","type":"function","function":{"name":"now","arguments":""}}]},"logprobs":null,"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":0,"completion_tokens":4,"total_tokens":4}}"#
    )
}

@Test func reasoningChoicesSortedEstimatedUsageAndMissingFinish() {
    let out = assemble(
        [
            .content(choice: 1, text: "B"), .reasoning(choice: 0, text: "think"), .content(choice: 0, text: "A"),
            .finish(choice: 1, reason: "length"),
        ], promptEstimate: 10)
    #expect(
        out
            == #"{"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"alias","choices":[{"index":0,"message":{"role":"assistant","content":"A","refusal":null,"reasoning_content":"think"},"logprobs":null,"finish_reason":"stop"},{"index":1,"message":{"role":"assistant","content":"B","refusal":null},"logprobs":null,"finish_reason":"length"}],"usage":{"prompt_tokens":10,"completion_tokens":3,"total_tokens":13}}"#
    )
}

@Test func noEventsStillGivesOneChoice() {
    #expect(
        assemble([])
            == #"{"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"alias","choices":[{"index":0,"message":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":0,"completion_tokens":0,"total_tokens":0}}"#
    )
}

@Test func promptEstimateCountsTextAndMessages() {
    let messages: [JSONValue] = [
        .object([("role", .string("user")), ("content", .string("12345678"))]),
        .object([
            ("role", .string("user")),
            ("content", .array([.object([("type", .string("text")), ("text", .string("abcd"))])])),
        ]),
    ]
    #expect(UsageEstimate.promptTokens(for: messages) == 3 + 8)
}

/// `bytes()` writes directly what `json()` describes; the two must never drift apart.
@Test func directBytesEqualTheJSONValuePath() {
    let cases: [[ModelEvent]] = [
        [],
        [.content(choice: 0, text: "plain"), .finish(choice: 0, reason: "stop")],
        [.content(choice: 0, text: "ctl \u{01}\t\r\n\"\\ é 🚀"), .usage(Usage(promptTokens: 5, completionTokens: 2))],
        [.reasoning(choice: 0, text: "why\n"), .content(choice: 0, text: "A"), .finish(choice: 0, reason: "length")],
        [.reasoning(choice: 0, text: "only reasoning")],
        [
            .toolCall(choice: 0, ToolCallDelta(index: 1, name: "b", arguments: "{}")),
            .toolCall(choice: 0, ToolCallDelta(index: 0, id: "call_\"x", name: "a", arguments: "{\"k\":")),
            .toolCall(choice: 0, ToolCallDelta(index: 0, arguments: "1}")),
        ],
        [
            .content(choice: 0, text: "let me check"),
            .toolCall(choice: 0, ToolCallDelta(index: 0, id: "c", name: "f")),
            .finish(choice: 0, reason: "tool_calls"),
        ],
        [
            .content(choice: 2, text: "C"), .content(choice: 0, text: "A"), .reasoning(choice: 1, text: "r"),
            .toolCall(choice: 1, ToolCallDelta(index: 0, name: "g")), .finish(choice: 2, reason: "content_filter"),
            .logprobs(choice: 0, .array([])), .usage(Usage(promptTokens: 1, completionTokens: 2, totalTokens: 7)),
        ],
        [.finish(choice: 3, reason: "stop")],
    ]
    for events in cases {
        for field in [ReasoningField.reasoningContent, .reasoning] {
            for (id, model, created) in [("chatcmpl-1", "alias", 1_700_000_000), ("i\"d", "m\u{7f}ö\n", -3)] {
                var assembler = ChatCompletionAssembler(id: id, created: created, model: model, promptTokenEstimate: 11)
                assembler.reasoningField = field
                assembler.add(contentsOf: events)
                #expect(assembler.bytes() == JSONWriter.bytes(assembler.json()))
            }
        }
    }
}

/// Choice 0 is kept apart from the others; the answer still lists every choice in index order, and the
/// bytes are still those of `json()`.
@Test func choiceZeroAmongOthersKeepsIndexOrder() {
    let events: [[ModelEvent]] = [
        [.content(choice: 2, text: "c"), .content(choice: 0, text: "a"), .content(choice: -1, text: "z")],
        [.content(choice: 1, text: "b"), .finish(choice: 1, reason: "length")],
        [
            .toolCall(choice: 0, ToolCallDelta(index: 0, id: "t", name: "f", arguments: "{}")),
            .finish(choice: 0, reason: "stop"),
        ],
    ]
    for sequence in events {
        var assembler = ChatCompletionAssembler(id: "chatcmpl-1", created: 1, model: "m")
        assembler.add(contentsOf: sequence)
        #expect(assembler.bytes() == JSONWriter.bytes(assembler.json()))
        let indices = assembler.json()["choices"]?.arrayValue?.compactMap { $0["index"]?.intValue }
        let expected = Set(
            sequence.compactMap { event -> Int? in
                switch event {
                case .content(let choice, _), .reasoning(let choice, _), .toolCall(let choice, _),
                    .finish(let choice, _):
                    return choice
                default: return nil
                }
            }
        ).sorted()
        #expect(indices == expected)
    }
}
