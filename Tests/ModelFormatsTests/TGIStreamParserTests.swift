import GatewayWire
import Testing

@testable import ModelFormats

/// Feeds `input` cut at `cuts` and returns everything the parser produced, including at `finish()`.
private func parse(
    _ input: [UInt8], cuts: [Int] = [], stops: [String] = [], promptTokens: Int? = nil
) -> [ParsedItem] {
    var parser = TGIStreamParser(stopSequences: stops, promptTokensIfUnreported: promptTokens)
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
    _ text: String, _ expected: [ParsedItem], stops: [String] = [], promptTokens: Int? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let input = Array(text.utf8)
    #expect(parse(input, stops: stops, promptTokens: promptTokens) == expected, sourceLocation: sourceLocation)
    #expect(
        parse(input, cuts: Array(0...input.count), stops: stops, promptTokens: promptTokens) == expected,
        "byte at a time", sourceLocation: sourceLocation)
    for cut in 0...input.count {
        #expect(
            parse(input, cuts: [cut], stops: stops, promptTokens: promptTokens) == expected, "cut at \(cut)",
            sourceLocation: sourceLocation)
    }
}

private func token(_ index: Int, _ text: String, special: Bool = false, details: String? = nil) -> String {
    let escaped = JSONWriter.string(.string(text))
    let final = details.map { #""generated_text":"…","details":\#($0)"# } ?? #""generated_text":null,"details":null"#
    return
        #"data:{"index":\#(index),"token":{"id":\#(1000 + index),"text":\#(escaped),"logprob":-0.25,"special":\#(special)},\#(final)}"#
        + "\n\n"
}

/// As TGI 2.x sends it: `data:` without a space, one event per token, the special end token last with details.
private let recorded =
    token(1, "Hello") + token(2, " wörld") + token(3, " 🚀") + token(4, "", special: false)
    + token(
        5, "</s>", special: true,
        details: #"{"finish_reason":"eos_token","generated_tokens":5,"seed":null,"input_length":12}"#)

private let recordedItems: [ParsedItem] = [
    .event(.content(choice: 0, text: "Hello")), .event(.content(choice: 0, text: " wörld")),
    .event(.content(choice: 0, text: " 🚀")), .event(.finish(choice: 0, reason: "stop")),
    .event(.usage(Usage(promptTokens: 12, completionTokens: 5))),
]

@Test func recordedStreamSplitAnywhere() {
    expectSameEverySplit(recorded, recordedItems)
}

@Test func utf8SplitInsideAMultiByteCharacter() {
    let input = Array(recorded.utf8)
    let rocket = Array("🚀".utf8)
    guard let start = (0...(input.count - rocket.count)).first(where: { Array(input[$0..<$0 + 4]) == rocket }) else {
        Issue.record("no rocket")
        return
    }
    for inside in 1..<rocket.count {
        #expect(parse(input, cuts: [start + inside]) == recordedItems, "cut \(inside) bytes into 🚀")
    }
}

@Test func spaceAfterDataCRLFAndJSONLinesFramingAlsoParse() {
    let sse = recorded.replacing("data:", with: "data: ").replacing("\n", with: "\r\n")
    expectSameEverySplit(sse, recordedItems)
    let jsonLines = recorded.replacing("data:", with: "").replacing("\n\n", with: "\n")
    expectSameEverySplit(jsonLines, recordedItems)
}

@Test func lengthFinishAndUnknownPromptTokens() {
    let text = token(1, "a") + token(2, "b", details: #"{"finish_reason":"length","generated_tokens":2,"seed":7}"#)
    let content: [ParsedItem] = [.event(.content(choice: 0, text: "a")), .event(.content(choice: 0, text: "b"))]
    // Without input_length and without a fallback there is no usage rather than a wrong one.
    expectSameEverySplit(text, content + [.event(.finish(choice: 0, reason: "length"))])
    expectSameEverySplit(
        text,
        content + [
            .event(.finish(choice: 0, reason: "length")), .event(.usage(Usage(promptTokens: 30, completionTokens: 2))),
        ],
        promptTokens: 30)
}

@Test func stopSequenceIsTakenOutAsOpenAIDoes() {
    let text =
        token(1, "Sure") + token(2, ".\n") + token(3, "User")
        + token(
            4, ":", details: #"{"finish_reason":"stop_sequence","generated_tokens":4,"seed":null,"input_length":3}"#)
    expectSameEverySplit(
        text,
        [
            .event(.content(choice: 0, text: "Sure")), .event(.content(choice: 0, text: ".")),
            .event(.finish(choice: 0, reason: "stop")), .event(.usage(Usage(promptTokens: 3, completionTokens: 4))),
        ],
        stops: ["\nUser:"])
}

@Test func heldTextThatIsNoStopIsReleased() {
    let text =
        token(1, "\r\n") + token(2, "Us") + token(3, "ed")
        + token(4, "</s>", special: true, details: #"{"finish_reason":"eos_token","generated_tokens":4}"#)
    expectSameEverySplit(
        text,
        [
            .event(.content(choice: 0, text: "\r")), .event(.content(choice: 0, text: "\nUsed")),
            .event(.finish(choice: 0, reason: "stop")),
        ],
        stops: ["\nUser:"])
    // A stream cut off before its details still delivers what was held.
    expectSameEverySplit(
        token(1, "ok\n") + token(2, "Us"),
        [.event(.content(choice: 0, text: "ok")), .event(.content(choice: 0, text: "\nUs"))],
        stops: ["\nUser:"])
}

@Test func errorEventsAfterTokens() {
    let text =
        token(1, "Hi")
        + #"data:{"error":"Request failed during generation: Server error: CUDA out of memory","error_type":"generation"}"#
        + "\n\n"
    expectSameEverySplit(
        text,
        [
            .event(.content(choice: 0, text: "Hi")),
            .error(
                GatewayError(
                    .modelStreamError,
                    "Request failed during generation: Server error: CUDA out of memory (generation error)")),
        ])
    let validation =
        #"data:{"error":"Input validation error: `inputs` must have less than 4096 tokens","error_type":"validation"}"#
    expectSameEverySplit(
        validation + "\n\n",
        [.error(GatewayError(.upstreamBadRequest, "Input validation error: `inputs` must have less than 4096 tokens"))])
}

@Test func somethingOtherThanTGIEventsIsNamed() {
    let chunk = #"data: {"id":"x","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"a"}}]}"#
    let items = parse(Array((chunk + "\n\n").utf8))
    guard case .error(let error)? = items.first, items.count == 1 else {
        Issue.record("expected one error, got \(items)")
        return
    }
    #expect(error.kind == .upstreamFailure)
    #expect(error.message.contains("not a TGI token event"))
    guard case .error(let notJSON)? = parse(Array("data:<html>\n\n".utf8)).first else {
        Issue.record("expected an error")
        return
    }
    #expect(notJSON.kind == .upstreamFailure)
}

@Test func bothParsersServeAsModelStreamParsers() {
    var parsers: [any ModelStreamParser] = [TGIStreamParser(), OpenAIStreamParser()]
    #expect(parsers[0].append(Array(token(1, "x").utf8)) == [.event(.content(choice: 0, text: "x"))])
    #expect(parsers[1].append(Array("data: [DONE]\n\n".utf8)) == [.done])
}

@Test func stopSequenceTakenOutWhereverTokensSplitTheText() {
    let generated = Array("ab\nUs\r\nUser:".unicodeScalars)
    let final = #"{"finish_reason":"stop_sequence","generated_tokens":3}"#
    for first in 0...generated.count {
        for second in first...generated.count {
            let pieces = [generated[..<first], generated[first..<second], generated[second...]].map {
                String(String.UnicodeScalarView($0))
            }
            let text = token(1, pieces[0]) + token(2, pieces[1]) + token(3, pieces[2], details: final)
            let items = parse(Array(text.utf8), stops: ["\nUser:", "User"])
            let content = items.compactMap { item -> String? in
                guard case .event(.content(_, let text)) = item else { return nil }
                return text
            }
            #expect(content.joined() == "ab\nUs\r", "tokens \(pieces)")
            #expect(items.last == .event(.finish(choice: 0, reason: "stop")))
        }
    }
}
