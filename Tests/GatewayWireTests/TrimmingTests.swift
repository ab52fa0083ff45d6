import GatewayWire
import Testing

@Suite("Trimming")
struct TrimmingTests {
    @Test(
        arguments: [
            ("\nkey\n", "key"), ("\r\nkey\r\n", "key"), ("\rkey\r", "key"), (" \t key \t\n", "key"), ("a b", "a b"),
            ("\n\n", ""), ("", ""), ("k\ney", "k\ney"),
        ])
    func trimsEachScalarOfTheSet(text: String, expected: String) {
        #expect(text.trimmed(of: " \t\r\n") == expected)
        #expect(Substring(text).trimmed(of: " \t\r\n") == expected)
    }

    @Test func onlyTheGivenScalarsGo() {
        #expect(" \tBearer \t".trimmed(of: " ") == "\tBearer \t")
        #expect("xxkeyxx".trimmed(of: "x") == "key")
    }

    /// Python's `str.strip()`, which Jinja's `trim` is.
    @Test func whitespaceIsUnicodeWhitespaceAndScalarExact() {
        #expect("\u{3000}\t a\r\nb \n".trimmingWhitespace() == "a\r\nb")
        #expect(" \n ".trimmingWhitespace() == "")
        #expect("\u{00A0}x\u{2003}".trimmingWhitespace() == "x")
    }
}
