import Foundation
import GatewayWire
import Testing

@Suite("PercentDecoding")
struct PercentDecodingTests {
    @Test func plainTextIsUnchanged() {
        #expect(PercentDecoding.decode("llama-3-8b") == "llama-3-8b")
        #expect(PercentDecoding.decode("") == "")
    }

    @Test func escapesOfEitherCaseDecode() {
        #expect(PercentDecoding.decode("org%2Fmodel") == "org/model")
        #expect(PercentDecoding.decode("org%2fmodel") == "org/model")
        #expect(PercentDecoding.decode("a%20b%25c") == "a b%c")
    }

    @Test func multiByteUTF8Decodes() {
        #expect(PercentDecoding.decode("caf%C3%A9") == "café")
        #expect(PercentDecoding.decode("%F0%9F%98%80") == "😀")
    }

    @Test func plusIsNotASpace() {
        #expect(PercentDecoding.decode("a+b") == "a+b")
    }

    @Test(arguments: ["%", "abc%2", "%zz", "%+f", "%-1"])
    func malformedEscapesAreRefused(_ segment: String) {
        // `UInt8("+f", radix: 16)` is 15: a sign must not pass for a hex digit.
        #expect(PercentDecoding.decode(segment) == nil)
    }

    @Test(arguments: ["%FF", "%C3", "%ED%A0%80"])
    func invalidUTF8IsRefused(_ segment: String) {
        #expect(PercentDecoding.decode(segment) == nil)
    }

    @Test(arguments: ["model%2Dname", "%41%42%43", "x%E2%82%ACy", "100%25", "%zz", "%FF"])
    func agreesWithFoundation(_ segment: String) {
        #expect(PercentDecoding.decode(segment) == segment.removingPercentEncoding)
    }
}
