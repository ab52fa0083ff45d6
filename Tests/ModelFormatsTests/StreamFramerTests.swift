import GatewayWire
import Testing

@testable import ModelFormats

/// The framer reads lines as bytes; these pin what reading them as text used to decide.
@Suite struct StreamFramerTests {
    private func frame(_ bytes: [UInt8]) -> [StreamFramer.Output] {
        var framer = StreamFramer()
        return framer.append(bytes) + framer.finish()
    }

    @Test func invalidUTF8InsideAStringIsReadAsReplacementCharacter() {
        let line = Array(#"data: {"t":"a"#.utf8) + [0xC3] + Array(#"b"}"#.utf8) + [0x0A, 0x0A]
        #expect(frame(line) == [.object(.object([("t", .string("a\u{FFFD}b"))]))])
    }

    @Test func dataLinesJoinWithNewlineAndFieldsNeedAnExactName() {
        let text = "data: {\"a\":\ndata:  1}\ndatum: x\ndata\n:comment\n\n"
        // "data" without a colon is a data line with an empty value: the payload is `{"a":\n 1}\n`.
        #expect(frame(Array(text.utf8)) == [.object(.object([("a", .int(1))]))])
    }

    @Test func doneMayCarrySpacesAndJSONLinesAreTrimmed() {
        #expect(frame(Array("data: \t[DONE] \n\ndata: {}\n\n".utf8)) == [.done])
        #expect(
            frame(Array("{\"x\":true}\n \t \n  {\"y\":null}\t\n".utf8)) == [
                .object(.object([("x", .bool(true))])), .object(.object([("y", .null)])),
            ])
    }

    @Test func notAnObjectIsAnErrorQuotingTheLine() {
        guard case .error(let error)? = frame(Array("data: [1,2]\n\n".utf8)).first else {
            Issue.record("expected an error")
            return
        }
        #expect(error.message.contains("\"[1,2]\""))
    }
}
