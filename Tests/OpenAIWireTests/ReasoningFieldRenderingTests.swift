import GatewayWire
import Testing

@testable import OpenAIWire

/// The model's `reasoning_output` decides the field reasoning is rendered in, streamed and not; tool calls
/// and several choices come out whole, indexed and in order.
private let head =
    #"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"alias","choices":"#

private func chunk(_ index: Int, _ delta: String, finish: String? = nil) -> String {
    "data: " + head
        + #"[{"index":\#(index),"delta":\#(delta),"logprobs":null,"finish_reason":\#(finish.map { "\"\($0)\"" } ?? "null")}]}"#
        + "\n\n"
}

private let role = #"{"role":"assistant","content":""}"#

private func render(_ events: [ModelEvent], field: ReasoningField) -> String {
    var stream = ChatChunkStream(id: "chatcmpl-1", created: 1700000000, model: "alias", includeUsage: false)
    stream.reasoningField = field
    var out: [UInt8] = []
    for event in events { out += stream.render(event) }
    out += stream.finish()
    return String(decoding: out, as: UTF8.self)
}

private func assemble(_ events: [ModelEvent], field: ReasoningField = .reasoningContent) -> String {
    var assembler = ChatCompletionAssembler(id: "chatcmpl-1", created: 1700000000, model: "alias")
    assembler.reasoningField = field
    assembler.add(contentsOf: events)
    return String(decoding: assembler.bytes(), as: UTF8.self)
}

@Test("streamed reasoning goes in the configured field", arguments: ReasoningField.allCases)
func streamedReasoningField(_ field: ReasoningField) {
    let out = render(
        [.reasoning(choice: 0, text: "hm"), .content(choice: 0, text: "a"), .finish(choice: 0, reason: "stop")],
        field: field)
    #expect(
        out
            == chunk(0, role) + chunk(0, #"{"\#(field.rawValue)":"hm"}"#) + chunk(0, #"{"content":"a"}"#)
            + chunk(0, "{}", finish: "stop") + "data: [DONE]\n\n")
}

@Test("assembled reasoning goes in the configured field", arguments: ReasoningField.allCases)
func assembledReasoningField(_ field: ReasoningField) {
    let out = assemble(
        [.reasoning(choice: 0, text: "hm"), .content(choice: 0, text: "a"), .finish(choice: 0, reason: "stop")],
        field: field)
    #expect(
        out
            == #"{"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"alias","choices":[{"index":0,"message":{"role":"assistant","content":"a","refusal":null,"\#(field.rawValue)":"hm"},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":0,"completion_tokens":2,"total_tokens":2}}"#
    )
}

@Test func repeatedIdAndNameAreSentOncePerCall() {
    let out = render(
        [
            .toolCall(choice: 0, ToolCallDelta(index: 0, id: "call_a", name: "f", arguments: "{\"x\":")),
            .toolCall(choice: 0, ToolCallDelta(index: 0, id: "call_a", name: "f", arguments: "1}")),
            .toolCall(choice: 1, ToolCallDelta(index: 0, id: "call_b", name: "f", arguments: "{}")),
        ], field: .reasoningContent)
    #expect(
        out
            == chunk(0, role)
            + chunk(
                0,
                #"{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"f","arguments":"{\"x\":"}}]}"#
            ) + chunk(0, #"{"tool_calls":[{"index":0,"function":{"arguments":"1}"}}]}"#) + chunk(1, role)
            + chunk(
                1,
                #"{"tool_calls":[{"index":0,"id":"call_b","type":"function","function":{"name":"f","arguments":"{}"}}]}"#
            )
            + chunk(0, "{}", finish: "tool_calls") + chunk(1, "{}", finish: "tool_calls") + "data: [DONE]\n\n")
}

@Test func severalChoicesWithToolCallsAssembleIndexedAndInOrder() {
    let out = assemble([
        .toolCall(choice: 1, ToolCallDelta(index: 0, id: "call_b", name: "g", arguments: "{\"n\":")),
        .toolCall(choice: 0, ToolCallDelta(index: 0, id: "call_a", name: "f", arguments: "")),
        .toolCall(choice: 1, ToolCallDelta(index: 0, id: "call_b", name: "g", arguments: "2}")),
        .toolCall(choice: 0, ToolCallDelta(index: 1, id: "call_c", name: "h", arguments: "{}")),
        .toolCall(choice: 0, ToolCallDelta(index: 0, arguments: "{}")),
        .content(choice: 2, text: "plain"),
    ])
    #expect(
        out
            == #"{"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"alias","choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":null,"tool_calls":[{"id":"call_a","type":"function","function":{"name":"f","arguments":"{}"}},{"id":"call_c","type":"function","function":{"name":"h","arguments":"{}"}}]},"logprobs":null,"finish_reason":"tool_calls"},{"index":1,"message":{"role":"assistant","content":null,"refusal":null,"tool_calls":[{"id":"call_b","type":"function","function":{"name":"g","arguments":"{\"n\":2}"}}]},"logprobs":null,"finish_reason":"tool_calls"},{"index":2,"message":{"role":"assistant","content":"plain","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":0,"completion_tokens":6,"total_tokens":6}}"#
    )
}
