import GatewayWire
import Testing

@testable import ModelFormats

/// Reasoning under both field names, tool-call deltas split across chunks and PayloadParts, several choices:
/// what vLLM, SGLang and DeepSeek-style servers stream, checked whole and split at every byte.
private func parse(_ input: [UInt8], cuts: [Int] = []) -> [ParsedItem] {
    var parser = OpenAIStreamParser()
    var items: [ParsedItem] = []
    var start = 0
    for end in cuts + [input.count] where end >= start {
        items += parser.append(Array(input[start..<end]))
        start = end
    }
    return items + parser.finish()
}

private func expectEverySplit(
    _ payloads: [String], _ expected: [ParsedItem], sourceLocation: SourceLocation = #_sourceLocation
) {
    let input = Array(payloads.map { "data: \($0)\n\n" }.joined().utf8)
    #expect(parse(input) == expected, sourceLocation: sourceLocation)
    for cut in 0...input.count {
        #expect(parse(input, cuts: [cut]) == expected, "cut at \(cut)", sourceLocation: sourceLocation)
    }
}

private func chunk(_ delta: String, finish: String? = nil, index: Int = 0) -> String {
    #"{"id":"x","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":\#(index),"delta":\#(delta),"logprobs":null,"finish_reason":\#(finish.map { "\"\($0)\"" } ?? "null")}]}"#
}

@Test(
    "reasoning is read under either name, once when a server sends both or one as null",
    arguments: [
        #"{"reasoning_content":"ré"}"#, #"{"reasoning":"ré"}"#, #"{"reasoning_content":"ré","reasoning":"ré"}"#,
        #"{"reasoning":"ré","reasoning_content":null}"#, #"{"reasoning_content":null,"reasoning":"ré","content":null}"#,
        #"{"reasoning_content":"","reasoning":"ré"}"#,
    ])
func reasoningUnderEitherName(_ delta: String) {
    expectEverySplit(
        [chunk(delta), chunk(#"{"content":"ok"}"#), chunk("{}", finish: "stop"), "[DONE]"],
        [
            .event(.reasoning(choice: 0, text: "ré")), .event(.content(choice: 0, text: "ok")),
            .event(.finish(choice: 0, reason: "stop")), .done,
        ])
}

@Test func vllmToolCallDeltasSplitAcrossChunksStayInOrder() {
    expectEverySplit(
        [
            chunk(#"{"role":"assistant","content":null}"#),
            chunk(
                #"{"tool_calls":[{"index":0,"id":"chatcmpl-tool-1","type":"function","function":{"name":"get_weather","arguments":""}}]}"#
            ),
            chunk(#"{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\": \"Pa"}}]}"#),
            chunk(#"{"tool_calls":[{"index":0,"function":{"arguments":"ris\"}"}}]}"#),
            chunk(
                #"{"tool_calls":[{"index":1,"id":"chatcmpl-tool-2","type":"function","function":{"name":"get_time","arguments":"{\"tz\":"}}]}"#
            ),
            chunk(#"{"tool_calls":[{"index":1,"function":{"arguments":" \"CET\"}"}}]}"#),
            chunk(#"{"content":""}"#, finish: "tool_calls"), "[DONE]",
        ],
        [
            .event(.toolCall(choice: 0, ToolCallDelta(index: 0, id: "chatcmpl-tool-1", name: "get_weather"))),
            .event(.toolCall(choice: 0, ToolCallDelta(index: 0, arguments: "{\"city\": \"Pa"))),
            .event(.toolCall(choice: 0, ToolCallDelta(index: 0, arguments: "ris\"}"))),
            .event(
                .toolCall(
                    choice: 0, ToolCallDelta(index: 1, id: "chatcmpl-tool-2", name: "get_time", arguments: "{\"tz\":"))),
            .event(.toolCall(choice: 0, ToolCallDelta(index: 1, arguments: " \"CET\"}"))),
            .event(.finish(choice: 0, reason: "tool_calls")), .done,
        ])
}

@Test func severalChoicesInterleavedKeepTheirIndex() {
    expectEverySplit(
        [
            chunk(#"{"role":"assistant","content":""}"#, index: 0),
            chunk(#"{"role":"assistant","content":""}"#, index: 1),
            chunk(#"{"reasoning":"a"}"#, index: 1), chunk(#"{"content":"x"}"#, index: 0),
            chunk(#"{"content":"y"}"#, index: 1), chunk("{}", finish: "stop", index: 1),
            chunk("{}", finish: "length", index: 0), "[DONE]",
        ],
        [
            .event(.reasoning(choice: 1, text: "a")), .event(.content(choice: 0, text: "x")),
            .event(.content(choice: 1, text: "y")), .event(.finish(choice: 1, reason: "stop")),
            .event(.finish(choice: 0, reason: "length")), .done,
        ])
}

@Test func wholeMessagesWithEitherReasoningNameAndSeveralChoices() throws {
    let body = #"""
        {"id":"x","object":"chat.completion","created":1,"model":"m","choices":[
          {"index":0,"message":{"role":"assistant","reasoning":"why","reasoning_content":"why","content":"A"},"finish_reason":"stop"},
          {"index":1,"message":{"role":"assistant","reasoning_content":null,"reasoning":"how","content":null,"tool_calls":[
            {"id":"call_9","type":"function","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"tool_calls"}]}
        """#
    let events = try OpenAIResponseParser.events(from: Array(body.utf8)).get()
    #expect(
        events == [
            .reasoning(choice: 0, text: "why"), .content(choice: 0, text: "A"), .finish(choice: 0, reason: "stop"),
            .reasoning(choice: 1, text: "how"),
            .toolCall(choice: 1, ToolCallDelta(index: 0, id: "call_9", name: "f", arguments: "{}")),
            .finish(choice: 1, reason: "tool_calls"),
        ])
}
