import GatewayWire
import Testing

@testable import ModelFormats

/// The response parser reads common `chat.completion` bodies straight from their bytes; these check that it
/// never decides differently from parsing a `JSONValue` and reading it with `OpenAIChunkDecoder`.
@Suite struct OpenAIResponseFastPathTests {
    private func fast(_ text: String) -> [ModelEvent]? { OpenAIResponseParser.fastEvents(from: Array(text.utf8)) }
    private func generic(_ text: String) -> Result<[ModelEvent], GatewayError> {
        OpenAIResponseParser.genericEvents(from: Array(text.utf8))
    }

    private func expectHandled(
        _ text: String, _ expected: [ModelEvent], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(fast(text) == expected, sourceLocation: sourceLocation)
        #expect(generic(text) == .success(expected), sourceLocation: sourceLocation)
    }

    @Test func commonShapes() {
        let head = #""id":"chatcmpl-1","object":"chat.completion","created":1767225600,"model":"m""#
        expectHandled(
            #"{\#(head),"choices":[{"index":0,"message":{"role":"assistant","content":"Hello there.","tool_calls":[]},"logprobs":null,"finish_reason":"stop","stop_reason":null}],"usage":{"prompt_tokens":9,"total_tokens":12,"completion_tokens":3,"prompt_tokens_details":null},"prompt_logprobs":null}"#,
            [
                .content(choice: 0, text: "Hello there."), .finish(choice: 0, reason: "stop"),
                .usage(Usage(promptTokens: 9, completionTokens: 3, totalTokens: 12)),
            ])
        expectHandled(
            #"{"choices":[{"message":{"reasoning_content":"why","content":"a\u00e9","tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]},"finish_reason":"tool_calls"}]}"#,
            [
                .reasoning(choice: 0, text: "why"), .content(choice: 0, text: "aé"),
                .toolCall(choice: 0, ToolCallDelta(index: 0, id: "call_1", name: "f", arguments: #"{"a":1}"#)),
                .finish(choice: 0, reason: "tool_calls"),
            ])
        expectHandled(
            #"{"choices":[{"index":0,"text":"plain","finish_reason":"length"}]}"#,
            [
                .content(choice: 0, text: "plain"), .finish(choice: 0, reason: "length"),
            ])
        expectHandled(#"{"choices":[]}"#, [])
    }

    @Test func shapesLeftToTheGenericPath() {
        for text in [
            "{}", #"{"generated_text":"hi"}"#, #"{"choices":null,"generated_text":"hi"}"#, #"{"choices":{}}"#,
            #"{"error":{"message":"boom"}}"#, #"{"object":"error","message":"boom","code":400}"#,
            #"{"choices":[{"message":{"tool_calls":[{"function":{"arguments":{"b":2}}}]}}]}"#,
            #"{"choices":[{"message":{"content":"a","content":"b"}}]}"#, "Internal Server Error",
            #"{"choices":[{"index":0,"text":"a","logprobs":{"tokens":["a"]}}]}"#,
        ] {
            #expect(fast(text) == nil, "\(text)")
        }
    }

    /// Seeded random bodies in every shape the generator knows, then some of them broken: whenever the fast
    /// path answers, the answer is the generic path's.
    @Test func differential() {
        fastPathDifferential(seed: 0x5EED_B0D1, payloadKey: "message") { bytes in
            let generic = OpenAIResponseParser.genericEvents(from: bytes)
            let wellFormed = (try? generic.get()) != nil
            guard let fast = OpenAIResponseParser.fastEvents(from: bytes) else { return (false, wellFormed) }
            #expect(generic == .success(fast), "\(String(decoding: bytes, as: UTF8.self))")
            return (true, wellFormed)
        }
    }
}
