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

    /// A lone data line is handed on from the line splitter's buffer; held across appends (its blank line, or
    /// a second data line, still to come) it must keep its bytes, and the frames a payload was lent for must
    /// read the same whichever way the event was cut.
    @Test func dataHeldAcrossAppendsKeepsItsBytes() {
        let text = Array("data: {\"a\":1}\n\ndata: {\"b\":\ndata: 2}\n\ndata: [DONE]\n\n".utf8)
        let expected: [StreamFramer.Output] = [
            .object(.object([("a", .int(1))])), .object(.object([("b", .int(2))])), .done,
        ]
        #expect(frame(text) == expected)
        for cut in 0...text.count {
            var framer = StreamFramer()
            let outputs = framer.append(Array(text[..<cut])) + framer.append(Array(text[cut...])) + framer.finish()
            #expect(outputs == expected, "cut at \(cut)")
        }
    }

    @Test func notAnObjectIsAnErrorQuotingTheLine() {
        guard case .error(let error)? = frame(Array("data: [1,2]\n\n".utf8)).first else {
            Issue.record("expected an error")
            return
        }
        #expect(error.message.contains("\"[1,2]\""))
    }
}
