import GatewayWire
import Testing

@testable import AnthropicWire

private func assemble(_ events: [ModelEvent]) -> String {
    var assembler = AnthropicMessageAssembler(id: "msg_1", model: "alias", inputTokenEstimate: 9)
    assembler.add(contentsOf: events)
    return String(decoding: assembler.bytes(), as: UTF8.self)
}

@Test func textMessage() {
    let out = assemble([
        .content(choice: 0, text: "Hello"), .content(choice: 0, text: " 🚀"), .finish(choice: 0, reason: "stop"),
        .usage(Usage(promptTokens: 3, completionTokens: 2)),
    ])
    #expect(
        out
            == #"{"id":"msg_1","type":"message","role":"assistant","model":"alias","content":[{"type":"text","text":"Hello 🚀"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":3,"output_tokens":2}}"#
    )
}

@Test func thinkingTextAndToolUseWithParsedInput() {
    let out = assemble([
        .reasoning(choice: 0, text: "Hmm"), .reasoning(choice: 0, text: "."),
        .content(choice: 0, text: "Let me check."),
        .toolCall(choice: 0, ToolCallDelta(index: 0, id: "call_9", name: "get_weather", arguments: #"{"city":"#)),
        .toolCall(choice: 0, ToolCallDelta(index: 0, arguments: #""Paris","days":2}"#)),
        .toolCall(choice: 0, ToolCallDelta(index: 1, name: "get_time", arguments: "not json")),
        .finish(choice: 0, reason: "tool_calls"),
    ])
    #expect(
        out
            == #"{"id":"msg_1","type":"message","role":"assistant","model":"alias","content":[{"type":"thinking","thinking":"Hmm.","signature":""},{"type":"text","text":"Let me check."},{"type":"tool_use","id":"call_9","name":"get_weather","input":{"city":"Paris","days":2}},{"type":"tool_use","id":"toolu_13","name":"get_time","input":{}}],"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":9,"output_tokens":6}}"#
    )
}

@Test func emptyAnswerAndLength() {
    #expect(
        assemble([.finish(choice: 0, reason: "length")])
            == #"{"id":"msg_1","type":"message","role":"assistant","model":"alias","content":[],"stop_reason":"max_tokens","stop_sequence":null,"usage":{"input_tokens":9,"output_tokens":0}}"#
    )
}

@Test func stopReasonTable() {
    let cases: [(String?, Bool, String)] = [
        ("stop", false, "end_turn"), (nil, false, "end_turn"), ("length", false, "max_tokens"),
        ("tool_calls", false, "tool_use"), ("stop", true, "tool_use"), ("content_filter", false, "refusal"),
    ]
    for (finish, sawTool, expected) in cases {
        #expect(AnthropicStopReason.from(finishReason: finish, sawToolUse: sawTool) == expected)
    }
}
