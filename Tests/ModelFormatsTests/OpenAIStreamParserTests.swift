import GatewayWire
import Testing

@testable import ModelFormats

/// Feeds `input` cut at `cuts` and returns everything the parser produced, including at `finish()`.
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

/// The verifier: whole, one byte at a time, and split at every offset must agree.
private func expectSameEverySplit(
    _ text: String, _ expected: [ParsedItem], sourceLocation: SourceLocation = #_sourceLocation
) {
    let input = Array(text.utf8)
    #expect(parse(input) == expected, sourceLocation: sourceLocation)
    #expect(parse(input, cuts: Array(0...input.count)) == expected, "byte at a time", sourceLocation: sourceLocation)
    for cut in 0...input.count {
        #expect(parse(input, cuts: [cut]) == expected, "cut at \(cut)", sourceLocation: sourceLocation)
    }
}

private func chunk(_ delta: String, finish: String? = nil, index: Int = 0) -> String {
    #"{"id":"x","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":\#(index),"delta":\#(delta),"logprobs":null,"finish_reason":\#(finish.map { "\"\($0)\"" } ?? "null")}]}"#
}

private let usageChunk =
    #"{"id":"x","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}}"#

private let unicodeEvents: [ParsedItem] = [
    .event(.content(choice: 0, text: "héllo 🚀")), .event(.content(choice: 0, text: " 日本語")),
    .event(.finish(choice: 0, reason: "stop")), .event(.usage(Usage(promptTokens: 12, completionTokens: 3))), .done,
]

private func sse(_ payloads: [String], newline: String) -> String {
    payloads.map { "data: \($0)\(newline)\(newline)" }.joined()
}

private let unicodePayloads = [
    chunk(#"{"role":"assistant","content":""}"#), chunk(#"{"content":"héllo 🚀"}"#), chunk(#"{"content":" 日本語"}"#),
    chunk("{}", finish: "stop"), usageChunk, "[DONE]",
]

@Test func sseWithLF() {
    expectSameEverySplit(sse(unicodePayloads, newline: "\n"), unicodeEvents)
}

@Test func sseWithCRLF() {
    expectSameEverySplit(sse(unicodePayloads, newline: "\r\n"), unicodeEvents)
}

@Test func sseCommentsFieldsAndMultiLineData() {
    let text =
        ": keep-alive\n\nevent: message\nid: 7\nretry: 10\ndata:{\"choices\":[{\"index\":0,\n"
        + "data: \"delta\":{\"content\":\"a\"}}]}\n\ndata: [DONE]\n\n"
    expectSameEverySplit(text, [.event(.content(choice: 0, text: "a")), .done])
    var parser = OpenAIStreamParser()
    _ = parser.append(Array(text.utf8))
    #expect(parser.framing == .serverSentEvents)
}

@Test func jsonLinesDetectedAndParsed() {
    let text = unicodePayloads.dropLast().joined(separator: "\n") + "\n"
    expectSameEverySplit(text, Array(unicodeEvents.dropLast()))
    var parser = OpenAIStreamParser()
    _ = parser.append(Array(text.utf8))
    #expect(parser.framing == .jsonLines)
}

@Test func jsonLinesWithoutTrailingNewlineAndCRLF() {
    let text = chunk(#"{"content":"a"}"#) + "\r\n" + chunk("{}", finish: "length")
    expectSameEverySplit(text, [.event(.content(choice: 0, text: "a")), .event(.finish(choice: 0, reason: "length"))])
}

@Test func sseEventWithoutClosingBlankLineIsDeliveredAtFinish() {
    expectSameEverySplit("data: " + chunk(#"{"content":"z"}"#), [.event(.content(choice: 0, text: "z"))])
}

@Test func lmiTokenLinesSkipSpecialTokens() {
    let text =
        #"{"token":{"id":1,"text":"Hi","log_prob":-0.1,"special":false},"generated_text":null,"details":null}"# + "\n"
        + #"{"token":{"id":2,"text":"</s>","special":true},"generated_text":"Hi","details":{"finish_reason":"eos_token","generated_tokens":2}}"#
        + "\n"
    expectSameEverySplit(text, [.event(.content(choice: 0, text: "Hi")), .event(.finish(choice: 0, reason: "stop"))])
}

@Test func reasoningAndToolCallsAndSeveralChoices() {
    let payloads = [
        chunk(#"{"reasoning_content":"hmm"}"#), chunk(#"{"reasoning":"…"}"#, index: 1),
        chunk(
            #"{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get","arguments":""}}]}"#),
        chunk(#"{"tool_calls":[{"index":0,"function":{"arguments":"{\"q\":1}"}}]}"#),
        chunk(#"{"content":""}"#),
        chunk("{}", finish: "tool_calls"), "[DONE]",
    ]
    expectSameEverySplit(
        sse(payloads, newline: "\n"),
        [
            .event(.reasoning(choice: 0, text: "hmm")), .event(.reasoning(choice: 1, text: "…")),
            .event(.toolCall(choice: 0, ToolCallDelta(index: 0, id: "call_1", name: "get", arguments: ""))),
            .event(.toolCall(choice: 0, ToolCallDelta(index: 0, arguments: "{\"q\":1}"))),
            .event(.finish(choice: 0, reason: "tool_calls")), .done,
        ])
}

@Test func errorObjectsBecomeModelStreamErrors() {
    let openAIStyle = #"{"error":{"message":"CUDA out of memory","type":"server_error","code":500}}"#
    let vllmStyle =
        #"{"object":"error","message":"max_tokens is too large","type":"BadRequestError","param":null,"code":400}"#
    expectSameEverySplit(
        sse([chunk(#"{"content":"a"}"#), openAIStyle, vllmStyle], newline: "\n"),
        [
            .event(.content(choice: 0, text: "a")),
            .error(GatewayError(.modelStreamError, "CUDA out of memory (code 500)")),
            .error(GatewayError(.modelStreamError, "max_tokens is too large (code 400)")),
        ])
}

@Test func nonJSONLineIsAnUpstreamFailureWithShortPreview() throws {
    let items = parse(Array("data: <html>oops</html>\n\n".utf8))
    #expect(items.count == 1)
    guard case .error(let error)? = items.first else { Issue.record("expected an error"); return }
    #expect(error.kind == .upstreamFailure)
    #expect(error.message.hasPrefix("The model container sent \"<html>oops</html>\", which is not JSON"))

    let huge = "data: " + String(repeating: "x", count: 100_000) + "\n\n"
    guard case .error(let big)? = parse(Array(huge.utf8)).first else { Issue.record("expected an error"); return }
    #expect(big.message.utf8.count < 400)
    #expect(big.message.contains("100000-byte line"))
}

@Test func nothingAfterDone() {
    #expect(
        parse(Array("data: [DONE]\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"late\"}}]}\n\n".utf8)) == [.done])
}

@Test func aLineThatNeverEndsIsCappedNotBuffered() {
    var parser = OpenAIStreamParser()
    let piece = [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20)
    var items: [ParsedItem] = parser.append(Array("data: ".utf8))
    for _ in 0...(OpenAIStreamParser.maxLineBytes >> 20) { items += parser.append(piece) }
    #expect(items.count == 1)
    guard case .error(let error)? = items.first else { Issue.record("expected an error"); return }
    #expect(error.kind == .upstreamFailure)
    #expect(parser.append(piece).isEmpty)
    #expect(parser.finish().isEmpty)
}
