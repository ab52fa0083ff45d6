import GatewayWire
import Testing

@testable import ModelFormats

/// `text_completion` chunks through the same parser chat uses: whole, byte at a time, split at every offset.
@Suite struct CompletionStreamParserTests {
    private func parse(_ input: [UInt8], cuts: [Int]) -> [ParsedItem] {
        var parser = OpenAIStreamParser()
        var items: [ParsedItem] = []
        var start = 0
        for end in cuts + [input.count] where end >= start {
            items += parser.append(Array(input[start..<end]))
            start = end
        }
        return items + parser.finish()
    }

    private func expectEverySplit(_ text: String, _ expected: [ParsedItem]) {
        let input = Array(text.utf8)
        #expect(parse(input, cuts: []) == expected)
        #expect(parse(input, cuts: Array(0...input.count)) == expected, "byte at a time")
        for cut in 0...input.count {
            #expect(parse(input, cuts: [cut]) == expected, "cut at \(cut)")
        }
    }

    private static let logprobs =
        #"{"text_offset":[0],"token_logprobs":[-0.125],"tokens":["日本"],"top_logprobs":[{"日本":-0.125}]}"#
    private static let logprobsValue: JSONValue = .object([
        ("text_offset", .array([.int(0)])), ("token_logprobs", .array([.number("-0.125")])),
        ("tokens", .array([.string("日本")])), ("top_logprobs", .array([.object([("日本", .number("-0.125"))])])),
    ])

    private static func chunk(_ text: String, logprobs: String = "null", finish: String = "null", index: Int = 0)
        -> String
    {
        #"{"id":"cmpl-x","object":"text_completion","created":1,"model":"m","choices":[{"index":\#(index),"text":"\#(text)","logprobs":\#(logprobs),"finish_reason":\#(finish)}]}"#
    }

    private static let usage =
        #"{"id":"cmpl-x","object":"text_completion","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":2,"completion_tokens":2,"total_tokens":4}}"#

    private static let expected: [ParsedItem] = [
        .event(.logprobs(choice: 0, logprobsValue)), .event(.content(choice: 0, text: "日本")),
        .event(.content(choice: 1, text: "é🚀")), .event(.finish(choice: 0, reason: "length")),
        .event(.usage(Usage(promptTokens: 2, completionTokens: 2))),
    ]

    @Test func sseWithLogprobs() {
        let text =
            "data: " + Self.chunk("日本", logprobs: Self.logprobs) + "\n\n" + "data: " + Self.chunk("é🚀", index: 1)
            + "\n\n" + "data: " + Self.chunk("", finish: #""length""#) + "\n\n" + "data: " + Self.usage + "\n\n"
            + "data: [DONE]\n\n"
        expectEverySplit(text, Self.expected + [.done])
    }

    @Test func jsonLinesWithLogprobs() {
        let text =
            Self.chunk("日本", logprobs: Self.logprobs) + "\n" + Self.chunk("é🚀", index: 1) + "\n"
            + Self.chunk("", finish: #""length""#) + "\n" + Self.usage
        expectEverySplit(text, Self.expected)
    }

    @Test func wholeTextCompletion() throws {
        let body =
            #"{"id":"cmpl-x","object":"text_completion","created":1,"model":"m","choices":[{"index":0,"text":"日本","logprobs":\#(Self.logprobs),"finish_reason":"stop"}],"usage":{"prompt_tokens":2,"completion_tokens":1,"total_tokens":3}}"#
        #expect(
            try OpenAIResponseParser.events(from: Array(body.utf8)).get() == [
                .logprobs(choice: 0, Self.logprobsValue), .content(choice: 0, text: "日本"),
                .finish(choice: 0, reason: "stop"), .usage(Usage(promptTokens: 2, completionTokens: 1)),
            ])
    }
}
