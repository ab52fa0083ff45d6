import GatewayWire
import Testing

@testable import TranslatorCore

/// The plain SSE body of SageMaker's OpenAI route, fed however the HTTP body arrives.
@Suite("PlainStreamDecoder")
struct PlainStreamDecoderTests {
    static let body = Array(
        (#"data: {"choices":[{"index":0,"delta":{"role":"assistant","content":"h\#u{e9}"}}]}"# + "\n\n"
            + #"data: {"choices":[{"index":0,"delta":{"content":" 日本"},"finish_reason":"stop"}]}"# + "\n\n"
            + "data: [DONE]\n\n").utf8)

    static func decode(_ chunks: [[UInt8]]) -> [SageMakerStreamDecoder.Output] {
        var decoder = PlainStreamDecoder()
        return chunks.flatMap { decoder.append($0) } + decoder.finish()
    }

    static func text(_ outputs: [SageMakerStreamDecoder.Output]) -> String {
        outputs.map {
            if case .event(.content(_, let text)) = $0 { return text }
            return ""
        }.joined()
    }

    @Test func wholeAndOneByteAtATimeAgree() {
        let whole = Self.decode([Self.body])
        #expect(Self.text(whole) == "hé 日本")
        #expect(whole.contains(.event(.finish(choice: 0, reason: "stop"))))
        #expect(Self.decode(Self.body.map { [$0] }) == whole)
        for cut in 1..<Self.body.count {
            #expect(Self.decode([Array(Self.body[..<cut]), Array(Self.body[cut...])]) == whole)
        }
    }

    @Test func anErrorEventEndsTheStream() {
        let body = Array(
            (#"data: {"error":{"message":"boom"}}"# + "\n\n"
                + #"data: {"choices":[{"index":0,"delta":{"content":"late"}}]}"# + "\n\n").utf8)
        let outputs = Self.decode([body])
        #expect(outputs.count == 1)
        guard case .error(let error) = outputs.first else {
            Issue.record("no error")
            return
        }
        #expect(error.message.contains("boom"))
    }
}
