import GatewayWire
import Testing

@testable import AnthropicWire

private func render(_ events: [ModelEvent], inputEstimate: Int = 7) -> String {
    var stream = AnthropicEventStream(id: "msg_1", model: "alias", inputTokenEstimate: inputEstimate)
    var out = stream.start() + stream.start()
    for event in events { out += stream.render(event) }
    out += stream.finish()
    out += stream.finish()
    return String(decoding: out, as: UTF8.self)
}

private func event(_ name: String, _ json: String) -> String { "event: \(name)\ndata: \(json)\n\n" }

private let messageStart = event(
    "message_start",
    #"{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"alias","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":7,"output_tokens":0}}}"#
)

private func blockStart(_ index: Int, _ block: String) -> String {
    event("content_block_start", #"{"type":"content_block_start","index":\#(index),"content_block":\#(block)}"#)
}

private func delta(_ index: Int, _ delta: String) -> String {
    event("content_block_delta", #"{"type":"content_block_delta","index":\#(index),"delta":\#(delta)}"#)
}

private func blockStop(_ index: Int) -> String {
    event("content_block_stop", #"{"type":"content_block_stop","index":\#(index)}"#)
}

private func messageEnd(_ reason: String, input: Int, output: Int) -> String {
    event(
        "message_delta",
        #"{"type":"message_delta","delta":{"stop_reason":"\#(reason)","stop_sequence":null},"usage":{"input_tokens":\#(input),"output_tokens":\#(output)}}"#
    ) + event("message_stop", #"{"type":"message_stop"}"#)
}

@Test func textStreamWithContainerUsage() {
    let out = render([
        .content(choice: 0, text: "héllo 🚀"), .content(choice: 0, text: ""), .content(choice: 0, text: " \"x\"\n"),
        .finish(choice: 0, reason: "stop"), .usage(Usage(promptTokens: 12, completionTokens: 3)),
    ])
    let expected =
        messageStart + blockStart(0, #"{"type":"text","text":""}"#)
        + delta(0, #"{"type":"text_delta","text":"héllo 🚀"}"#) + delta(0, #"{"type":"text_delta","text":" \"x\"\n"}"#)
        + blockStop(0) + messageEnd("end_turn", input: 12, output: 3)
    #expect(out == expected)
}

@Test func thinkingThenTextThenToolCallEachInItsOwnBlock() {
    let out = render([
        .reasoning(choice: 0, text: "Let me"), .reasoning(choice: 0, text: " think"),
        .content(choice: 0, text: "Calling."),
        .toolCall(choice: 0, ToolCallDelta(index: 0, id: "call_1", name: "get_weather", arguments: "")),
        .toolCall(choice: 0, ToolCallDelta(index: 0, arguments: #"{"city":"#)),
        // A container that repeats id and name in every delta still makes one block.
        .toolCall(choice: 0, ToolCallDelta(index: 0, id: "call_1", name: "get_weather", arguments: #""Paris"}"#)),
        .toolCall(choice: 0, ToolCallDelta(index: 1, name: "get_time", arguments: "{}")),
        .finish(choice: 0, reason: "tool_calls"),
    ])
    let expected =
        messageStart + blockStart(0, #"{"type":"thinking","thinking":"","signature":""}"#)
        + delta(0, #"{"type":"thinking_delta","thinking":"Let me"}"#)
        + delta(0, #"{"type":"thinking_delta","thinking":" think"}"#) + blockStop(0)
        + blockStart(1, #"{"type":"text","text":""}"#) + delta(1, #"{"type":"text_delta","text":"Calling."}"#)
        + blockStop(1)
        + blockStart(2, #"{"type":"tool_use","id":"call_1","name":"get_weather","input":{}}"#)
        + delta(2, #"{"type":"input_json_delta","partial_json":"{\"city\":"}"#)
        + delta(2, #"{"type":"input_json_delta","partial_json":"\"Paris\"}"}"#) + blockStop(2)
        + blockStart(3, #"{"type":"tool_use","id":"toolu_13","name":"get_time","input":{}}"#)
        + delta(3, #"{"type":"input_json_delta","partial_json":"{}"}"#) + blockStop(3)
        + messageEnd("tool_use", input: 7, output: 7)
    #expect(out == expected)
}

@Test func stopReasonsAndEstimatedUsage() {
    let length = render([
        .content(choice: 0, text: "a"), .content(choice: 0, text: "b"), .finish(choice: 0, reason: "length"),
    ])
    #expect(length.hasSuffix(messageEnd("max_tokens", input: 7, output: 2)))
    // A tool call the container finished with `stop` is still a tool_use turn.
    let stop = render([
        .toolCall(choice: 0, ToolCallDelta(index: 0, id: "c", name: "f")), .finish(choice: 0, reason: "stop"),
    ])
    #expect(stop.hasSuffix(blockStop(0) + messageEnd("tool_use", input: 7, output: 1)))
}

@Test func emptyAnswerAndOtherChoices() {
    let out = render([.content(choice: 1, text: "ignored"), .logprobs(choice: 0, .null)])
    #expect(out == messageStart + messageEnd("end_turn", input: 7, output: 0))
}

@Test func errorAndPingEvents() {
    let error = AnthropicServerSentEvents.error(GatewayError(.modelStreamError, "The model failed mid-stream."))
    #expect(
        String(decoding: error, as: UTF8.self)
            == event(
                "error", #"{"type":"error","error":{"type":"api_error","message":"The model failed mid-stream."}}"#))
    #expect(String(decoding: AnthropicServerSentEvents.ping, as: UTF8.self) == event("ping", #"{"type":"ping"}"#))
}

@Test func nothingAfterFinish() {
    var stream = AnthropicEventStream(id: "msg_1", model: "alias", inputTokenEstimate: 0)
    _ = stream.finish()
    #expect(stream.render(.content(choice: 0, text: "late")).isEmpty)
    #expect(stream.start().isEmpty)
}
