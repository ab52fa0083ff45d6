import GatewayWire
import Testing

@testable import OpenAIWire

private let head =
    #"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"alias","choices":"#

private func chunk(_ choices: String, usage: String? = nil) -> String {
    "data: " + head + choices + (usage.map { #","usage":\#($0)"# } ?? "") + "}\n\n"
}

private func choice(_ index: Int, _ delta: String, finish: String? = nil) -> String {
    #"[{"index":\#(index),"delta":\#(delta),"logprobs":null,"finish_reason":\#(finish.map { "\"\($0)\"" } ?? "null")}]"#
}

private func render(_ events: [ModelEvent], includeUsage: Bool, promptEstimate: Int = 0) -> String {
    var stream = ChatChunkStream(
        id: "chatcmpl-1", created: 1700000000, model: "alias", includeUsage: includeUsage,
        promptTokenEstimate: promptEstimate)
    var out: [UInt8] = []
    for event in events { out += stream.render(event) }
    out += stream.finish()
    out += stream.finish()
    return String(decoding: out, as: UTF8.self)
}

private let role = #"{"role":"assistant","content":""}"#

@Test func contentStreamWithoutUsage() {
    let out = render(
        [.content(choice: 0, text: "héllo 🚀"), .content(choice: 0, text: " 日本語"), .finish(choice: 0, reason: "stop")],
        includeUsage: false)
    let expected =
        chunk(choice(0, role)) + chunk(choice(0, #"{"content":"héllo 🚀"}"#)) + chunk(choice(0, #"{"content":" 日本語"}"#))
        + chunk(choice(0, "{}", finish: "stop")) + "data: [DONE]\n\n"
    #expect(out == expected)
}

@Test func includeUsageAddsNullUsageAndFinalUsageChunk() {
    let out = render(
        [
            .content(choice: 0, text: "hi"), .usage(Usage(promptTokens: 5, completionTokens: 1)),
            .finish(choice: 0, reason: "length"),
        ],
        includeUsage: true)
    let expected =
        chunk(choice(0, role), usage: "null") + chunk(choice(0, #"{"content":"hi"}"#), usage: "null")
        + chunk(choice(0, "{}", finish: "length"), usage: "null")
        + chunk("[]", usage: #"{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}"#) + "data: [DONE]\n\n"
    #expect(out == expected)
}

@Test func estimatedUsageWhenContainerGivesNone() {
    let out = render(
        [
            .reasoning(choice: 0, text: "hm"), .content(choice: 0, text: "a"), .content(choice: 0, text: "b"),
            .finish(choice: 0, reason: "stop"),
        ],
        includeUsage: true, promptEstimate: 7)
    let expected =
        chunk(choice(0, role), usage: "null") + chunk(choice(0, #"{"reasoning_content":"hm"}"#), usage: "null")
        + chunk(choice(0, #"{"content":"a"}"#), usage: "null") + chunk(choice(0, #"{"content":"b"}"#), usage: "null")
        + chunk(choice(0, "{}", finish: "stop"), usage: "null")
        + chunk("[]", usage: #"{"prompt_tokens":7,"completion_tokens":3,"total_tokens":10}"#) + "data: [DONE]\n\n"
    #expect(out == expected)
}

@Test func toolCallDeltasCarryIdTypeNameOnlyWhenPresent() {
    let out = render(
        [
            .toolCall(choice: 0, ToolCallDelta(index: 0, id: "call_a", name: "f", arguments: "")),
            .toolCall(choice: 0, ToolCallDelta(index: 0, arguments: "{\"x\":")),
            .toolCall(choice: 0, ToolCallDelta(index: 0, arguments: "1}")),
        ], includeUsage: false)
    let expected =
        chunk(choice(0, role))
        + chunk(
            choice(
                0,
                #"{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"f","arguments":""}}]}"#)
        )
        + chunk(choice(0, #"{"tool_calls":[{"index":0,"function":{"arguments":"{\"x\":"}}]}"#))
        + chunk(choice(0, #"{"tool_calls":[{"index":0,"function":{"arguments":"1}"}}]}"#))
        + chunk(choice(0, "{}", finish: "tool_calls")) + "data: [DONE]\n\n"
    #expect(out == expected)
}

@Test func missingFinishClosesEveryStartedChoiceBeforeUsage() {
    let out = render(
        [.content(choice: 1, text: "B"), .content(choice: 0, text: "A"), .finish(choice: 1, reason: "stop")],
        includeUsage: true)
    let expected =
        chunk(choice(1, role), usage: "null") + chunk(choice(1, #"{"content":"B"}"#), usage: "null")
        + chunk(choice(0, role), usage: "null") + chunk(choice(0, #"{"content":"A"}"#), usage: "null")
        + chunk(choice(1, "{}", finish: "stop"), usage: "null") + chunk(choice(0, "{}", finish: "stop"), usage: "null")
        + chunk("[]", usage: #"{"prompt_tokens":0,"completion_tokens":2,"total_tokens":2}"#) + "data: [DONE]\n\n"
    #expect(out == expected)
}

@Test func emptyStreamStillHasOneChoice() {
    #expect(
        render([], includeUsage: false) == chunk(choice(0, role)) + chunk(choice(0, "{}", finish: "stop"))
            + "data: [DONE]\n\n")
}

@Test func nothingIsRenderedAfterFinish() {
    var stream = ChatChunkStream(id: "x", created: 0, model: "m", includeUsage: false)
    _ = stream.finish()
    #expect(stream.render(.content(choice: 0, text: "late")).isEmpty)
}

@Test func errorEventAndKeepAlive() {
    #expect(
        String(decoding: ChatChunkStream.errorEvent(GatewayError(.modelStreamError, "boom")), as: UTF8.self)
            == "data: {\"error\":{\"message\":\"boom\",\"type\":\"server_error\",\"param\":null,\"code\":\"model_error\"}}\n\n"
    )
    #expect(ChatChunkStream.keepAlive() == Array(": keep-alive\n\n".utf8))
}

/// The envelope is written once per stream; an id or model name that needs escaping must come out exactly as
/// writing the whole chunk as one JSON value would.
@Test func envelopeWrittenOnceEscapesLikeTheWriter() {
    for includeUsage in [false, true] {
        let id = "chatcmpl-\"q\"\\\u{01}é"
        let model = "org/model\n🚀"
        var stream = ChatChunkStream(id: id, created: 42, model: model, includeUsage: includeUsage)
        let out = stream.render(.content(choice: 0, text: "hi")) + stream.render(.finish(choice: 0, reason: "stop"))
        func whole(_ delta: JSONValue, _ finish: JSONValue) -> [UInt8] {
            var members: [(String, JSONValue)] = [
                ("id", .string(id)), ("object", .string("chat.completion.chunk")), ("created", .int(42)),
                ("model", .string(model)),
                (
                    "choices",
                    .array([
                        .object([("index", .int(0)), ("delta", delta), ("logprobs", .null), ("finish_reason", finish)])
                    ])
                ),
            ]
            if includeUsage { members.append(("usage", .null)) }
            return ServerSentEvents.data(.object(members))
        }
        let expected =
            whole(.object([("role", .string("assistant")), ("content", .string(""))]), .null)
            + whole(.object([("content", .string("hi"))]), .null) + whole(.object([]), .string("stop"))
        #expect(String(decoding: out, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
    }
}

/// `render(_:into:)` appends exactly what `render(_:)` returns (one reused buffer per stream in the shim),
/// for every kind of event, two-digit choice indexes and both reasoning fields included.
@Test func renderIntoAppendsWhatRenderReturns() {
    let events: [ModelEvent] = [
        .content(choice: 12, text: "a\"b\n"), .reasoning(choice: 0, text: "think"), .content(choice: 0, text: ""),
        .toolCall(choice: 1, ToolCallDelta(index: 0, id: "call_1", name: "f", arguments: "{}")),
        .usage(Usage(promptTokens: 1, completionTokens: 2, totalTokens: 3)), .finish(choice: 12, reason: "length"),
        .finish(choice: 12, reason: "stop"),
    ]
    for field in ReasoningField.allCases {
        var returned = ChatChunkStream(id: "chatcmpl-1", created: 1, model: "m", includeUsage: true)
        var appended = returned
        returned.reasoningField = field
        appended.reasoningField = field
        var buffer: [UInt8] = [0x2A]
        for event in events {
            let bytes = returned.render(event)
            buffer.removeAll(keepingCapacity: true)
            buffer.append(0x2A)
            appended.render(event, into: &buffer)
            #expect(buffer == [0x2A] + bytes)
        }
        #expect(returned.finish() == appended.finish())
    }
    var stream = ChatChunkStream(id: "chatcmpl-1", created: 1, model: "m", includeUsage: false)
    stream.reasoningField = .reasoning
    let text = String(decoding: stream.render(.reasoning(choice: 10, text: "x")), as: UTF8.self)
    #expect(text.hasSuffix(#"{"index":10,"delta":{"reasoning":"x"},"logprobs":null,"finish_reason":null}]}"# + "\n\n"))
}
