import GatewayWire
import Testing

@testable import OpenAIWire

private let head = #"{"id":"cmpl-1","object":"text_completion","created":1700000000,"model":"alias","choices":"#

private func chunk(_ index: Int, _ text: String, logprobs: String = "null", finish: String? = nil, usage: Bool)
    -> String
{
    let choice =
        #"[{"text":"\#(text)","index":\#(index),"logprobs":\#(logprobs),"finish_reason":\#(finish.map { "\"\($0)\"" } ?? "null")}]"#
    return "data: " + head + choice + (usage ? #","usage":null"# : "") + "}\n\n"
}

private func render(_ events: [ModelEvent], includeUsage: Bool, promptEstimate: Int = 0) -> String {
    var stream = CompletionChunkStream(
        id: "cmpl-1", created: 1700000000, model: "alias", includeUsage: includeUsage,
        promptTokenEstimate: promptEstimate)
    var out: [UInt8] = []
    for event in events { out += stream.render(event) }
    out += stream.finish()
    out += stream.finish()
    return String(decoding: out, as: UTF8.self)
}

private let lp = #"{"tokens":[" b"],"token_logprobs":[-0.5],"top_logprobs":[{" b":-0.5}],"text_offset":[1]}"#
private let lpValue: JSONValue = .object([
    ("tokens", .array([.string(" b")])), ("token_logprobs", .array([.number("-0.5")])),
    ("top_logprobs", .array([.object([(" b", .number("-0.5"))])])), ("text_offset", .array([.int(1)])),
])

@Test func textStreamWithoutUsage() {
    let out = render(
        [
            .content(choice: 0, text: "a"), .content(choice: 0, text: ""), .content(choice: 0, text: " b"),
            .finish(choice: 0, reason: "length"), .usage(Usage(promptTokens: 3, completionTokens: 2)),
        ],
        includeUsage: false)
    #expect(
        out
            == chunk(0, "a", usage: false) + chunk(0, " b", usage: false)
            + chunk(0, "", finish: "length", usage: false) + "data: [DONE]\n\n")
}

@Test func logprobsRideOnTheTextTheyDescribe() {
    let out = render(
        [.content(choice: 0, text: "a"), .logprobs(choice: 0, lpValue), .content(choice: 0, text: " b")],
        includeUsage: false)
    #expect(
        out
            == chunk(0, "a", usage: false) + chunk(0, " b", logprobs: lp, usage: false)
            + chunk(0, "", finish: "stop", usage: false) + "data: [DONE]\n\n")
}

@Test func includeUsageEstimatesWhenTheContainerGaveNone() {
    let out = render(
        [.content(choice: 1, text: "x"), .content(choice: 0, text: "y"), .finish(choice: 1, reason: "stop")],
        includeUsage: true, promptEstimate: 4)
    let usage =
        "data: " + head + #"[],"usage":{"prompt_tokens":4,"completion_tokens":2,"total_tokens":6}}"# + "\n\n"
    #expect(
        out
            == chunk(1, "x", usage: true) + chunk(0, "y", usage: true) + chunk(1, "", finish: "stop", usage: true)
            + chunk(0, "", finish: "stop", usage: true) + usage + "data: [DONE]\n\n")
}

@Test func containerUsageWins() {
    let out = render(
        [.content(choice: 0, text: "x"), .usage(Usage(promptTokens: 9, completionTokens: 1))], includeUsage: true)
    #expect(out.contains(#""usage":{"prompt_tokens":9,"completion_tokens":1,"total_tokens":10}"#))
}

@Test func emptyCompletionStreamStillHasOneChoice() {
    #expect(render([], includeUsage: false) == chunk(0, "", finish: "stop", usage: false) + "data: [DONE]\n\n")
}

@Test func chatOnlyEventsAreNotText() {
    let out = render(
        [
            .reasoning(choice: 0, text: "hm"), .toolCall(choice: 0, ToolCallDelta(index: 0)),
            .content(choice: 0, text: "ok"),
        ],
        includeUsage: false)
    #expect(out == chunk(0, "ok", usage: false) + chunk(0, "", finish: "stop", usage: false) + "data: [DONE]\n\n")
}

@Test func assemblerJoinsTextAndLogprobs() {
    var assembler = CompletionAssembler(id: "cmpl-1", created: 1700000000, model: "alias", promptTokenEstimate: 2)
    assembler.add(contentsOf: [
        .logprobs(
            choice: 0,
            .object([
                ("tokens", .array([.string("a")])), ("token_logprobs", .array([.number("-0.25")])),
                ("top_logprobs", .array([.null])), ("text_offset", .array([.int(0)])), ("extra", .int(1)),
            ])),
        .content(choice: 0, text: "a"), .logprobs(choice: 0, lpValue), .content(choice: 0, text: " b"),
        .content(choice: 1, text: "z"), .finish(choice: 1, reason: "length"),
    ])
    #expect(
        String(decoding: assembler.bytes(), as: UTF8.self)
            == #"{"id":"cmpl-1","object":"text_completion","created":1700000000,"model":"alias","choices":["#
            + #"{"text":"a b","index":0,"logprobs":{"tokens":["a"," b"],"token_logprobs":[-0.25,-0.5],"top_logprobs":[null,{" b":-0.5}],"text_offset":[0,1]},"finish_reason":"stop"},"#
            + #"{"text":"z","index":1,"logprobs":null,"finish_reason":"length"}],"#
            + #""usage":{"prompt_tokens":2,"completion_tokens":3,"total_tokens":5}}"#)
}

@Test func assemblerWithNothingHasOneEmptyChoice() {
    let assembler = CompletionAssembler(id: "cmpl-1", created: 1, model: "m")
    #expect(
        String(decoding: assembler.bytes(), as: UTF8.self)
            == #"{"id":"cmpl-1","object":"text_completion","created":1,"model":"m","choices":[{"text":"","index":0,"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":0,"completion_tokens":0,"total_tokens":0}}"#
    )
}

@Test func completionIdsLookLikeOpenAIs() {
    let id = RequestID.completion()
    #expect(id.hasPrefix("cmpl-") && id.count == 34)
}

@Test func promptEstimates() {
    #expect(UsageEstimate.promptTokens(forPrompt: .string("12345678")) == 2)
    #expect(UsageEstimate.promptTokens(forPrompt: .string("")) == 1)
    #expect(UsageEstimate.promptTokens(forPrompt: .array([.int(1), .int(2), .int(3)])) == 3)
    #expect(UsageEstimate.promptTokens(forPrompt: .array([.array([.int(1)]), .array([.int(2), .int(3)])])) == 3)
    #expect(UsageEstimate.promptTokens(forInput: .texts(["abcde", "x"])) == 3)
    #expect(UsageEstimate.promptTokens(forInput: .tokenIds([[1, 2], [3]])) == 3)
}
