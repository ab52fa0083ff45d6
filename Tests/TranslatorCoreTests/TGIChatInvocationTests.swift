import GatewayWire
import Testing

@testable import TranslatorCore

/// A chat request for a `tgi` model: the rendered body, the stop sequences and the prompt-token estimate.
@Suite("TGIChatInvocation")
struct TGIChatInvocationTests {
    static func chat(stream: Bool, _ parameters: [(String, JSONValue)] = []) -> ChatRequest {
        ChatRequest(
            model: "m", messages: [.object([("role", .string("user")), ("content", .string("héllo"))])],
            stream: stream, includeUsage: false, parameters: parameters)
    }

    @Test func bodyIsTheRenderedPromptWithTGIParameters() throws {
        let invocation = try TGIChatInvocation(
            chat: Self.chat(stream: true, [("max_tokens", .int(5)), ("stop", .string("END"))]), template: .mistral)
        #expect(
            String(decoding: invocation.body, as: UTF8.self)
                == #"{"inputs":" [INST] héllo [/INST]","parameters":{"max_new_tokens":5,"do_sample":true,"stop":["END"],"details":true,"return_full_text":false},"stream":true}"#
        )
        #expect(invocation.stopSequences == ["END"])
        // " [INST] héllo [/INST]" is 21 UTF-8 bytes: about 6 tokens.
        #expect(invocation.promptTokenEstimate == 6)
    }

    @Test func estimateCountsUTF8Bytes() {
        #expect(TGIChatInvocation.estimateTokens("") == 0)
        #expect(TGIChatInvocation.estimateTokens("abcd") == 1)
        #expect(TGIChatInvocation.estimateTokens("abcde") == 2)
        #expect(TGIChatInvocation.estimateTokens("日本") == 2)
    }

    @Test func clientErrorsNameTheParameter() {
        #expect(throws: GatewayError.self) {
            try TGIChatInvocation(chat: Self.chat(stream: false, [("n", .int(2))]), template: .chatml)
        }
    }

    @Test func parsersUseTheEstimateWhenTGIReportsNoPromptTokens() throws {
        let invocation = try TGIChatInvocation(chat: Self.chat(stream: false), template: .mistral)
        let body = #"[{"generated_text":"hi END","details":{"finish_reason":"eos_token","generated_tokens":3}}]"#
        #expect(
            try invocation.events(from: Array(body.utf8)).get() == [
                .content(choice: 0, text: "hi END"), .finish(choice: 0, reason: "stop"),
                .usage(Usage(promptTokens: 6, completionTokens: 3)),
            ])
        var decoder = invocation.streamDecoder
        #expect(decoder.finish().isEmpty)
    }
}
