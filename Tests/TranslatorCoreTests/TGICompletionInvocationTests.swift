import GatewayWire
import Testing

@testable import TranslatorCore

/// A completions request for a `tgi` model: the prompt as `inputs`, unchanged; what TGI cannot honour refused
/// by name; the answer read with the stop sequences and prompt-token estimate, as for chat.
@Suite("TGICompletionInvocation")
struct TGICompletionInvocationTests {
    static func completion(_ prompt: JSONValue, stream: Bool = false, _ parameters: [(String, JSONValue)] = [])
        -> CompletionRequest
    {
        CompletionRequest(model: "m", prompt: prompt, stream: stream, includeUsage: false, parameters: parameters)
    }

    static func refusal(_ request: CompletionRequest) -> GatewayError? {
        do {
            _ = try TGICompletionInvocation(completion: request)
            return nil
        } catch {
            return error
        }
    }

    @Test func bodyIsThePromptUnchangedWithTGIParameters() throws {
        let invocation = try TGICompletionInvocation(
            completion: Self.completion(
                .string("Once upon a time, [INST] héllo"), stream: true,
                [("max_tokens", .int(5)), ("stop", .array([.string("END"), .string("")])), ("echo", .bool(false))]))
        #expect(
            String(decoding: invocation.body, as: UTF8.self)
                == #"{"inputs":"Once upon a time, [INST] héllo","parameters":{"max_new_tokens":5,"do_sample":true,"stop":["END"],"details":true,"return_full_text":false},"stream":true}"#
        )
        #expect(invocation.stopSequences == ["END"])
        // 30 UTF-8 bytes: about 8 tokens.
        #expect(invocation.promptTokenEstimate == 8)
    }

    @Test func aListOfOneStringIsThatString() throws {
        let listed = try TGICompletionInvocation(completion: Self.completion(.array([.string("abc")])))
        let plain = try TGICompletionInvocation(completion: Self.completion(.string("abc")))
        #expect(listed == plain)
    }

    @Test(arguments: [
        JSONValue.array([.string("a"), .string("b")]),
        .array([.int(1), .int(2)]),
        .array([.array([.int(1)])]),
        .string(""),
    ])
    func promptsTGICannotTakeAreRefusedNamingPrompt(prompt: JSONValue) {
        let error = Self.refusal(Self.completion(prompt))
        #expect(error?.kind == .invalidRequest)
        #expect(error?.param == "prompt")
    }

    @Test func severalPromptsAndTokenIdsSayWhy() {
        #expect(
            Self.refusal(Self.completion(.array([.string("a"), .string("b")])))?.message
                == "This model takes one prompt per request (TGI's native API); send each of the 2 prompts in its own request."
        )
        #expect(
            Self.refusal(Self.completion(.array([.int(1)])))?.message
                == "This model takes the prompt as text (TGI's native API), not as token ids.")
    }

    @Test(arguments: [
        ("suffix", JSONValue.string("end")), ("logprobs", .int(0)), ("logprobs", .int(2)), ("echo", .bool(true)),
        ("n", .int(2)), ("best_of", .int(3)),
    ])
    func parametersTGICannotHonourAreRefusedByName(name: String, value: JSONValue) {
        let error = Self.refusal(Self.completion(.string("x"), [(name, value)]))
        #expect(error?.kind == .invalidRequest)
        #expect(error?.param == name)
    }

    @Test func parametersThatAskForNothingAreAccepted() throws {
        for (name, value) in [("suffix", JSONValue.string("")), ("suffix", .null), ("logprobs", .null), ("n", .int(1))]
        {
            #expect(Self.refusal(Self.completion(.string("x"), [(name, value)])) == nil, "\(name)")
        }
    }

    @Test func answerIsReadWithStopsAndTheEstimate() throws {
        let invocation = try TGICompletionInvocation(
            completion: Self.completion(.string("abcdefgh"), [("stop", .string("END"))]))
        let body = #"[{"generated_text":"hi END","details":{"finish_reason":"stop_sequence","generated_tokens":2}}]"#
        #expect(
            try invocation.events(from: Array(body.utf8)).get() == [
                .content(choice: 0, text: "hi "), .finish(choice: 0, reason: "stop"),
                .usage(Usage(promptTokens: 2, completionTokens: 2)),
            ])
        var parser = invocation.streamParser
        let stream =
            #"data:{"token":{"text":"hi END","special":false},"details":{"finish_reason":"stop_sequence","generated_tokens":2}}"#
        #expect(
            (parser.append(Array((stream + "\n\n").utf8)) + parser.finish()) == [
                .event(.content(choice: 0, text: "hi ")), .event(.finish(choice: 0, reason: "stop")),
                .event(.usage(Usage(promptTokens: 2, completionTokens: 2))),
            ])
    }
}
