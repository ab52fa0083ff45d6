import EventLoop
import Testing

@Suite("HTTPExchange.headerNamesMatch")
struct HeaderNameTests {
    @Test(
        arguments: [
            ("Authorization", "authorization", true), ("X-Request-ID", "x-request-id", true),
            ("x-api-key", "X-API-KEY", true),
            ("Content-Type", "Content-Typ", false), ("Content-Type", "Content-Typf", false), ("", "", true),
            ("a", "", false), ("[", "{", false), ("@", "`", false), ("\u{C9}tag", "\u{E9}TAG", true),
            ("\u{E9}", "e", false), ("\u{212A}ey", "key", true), ("x\u{212A}", "yk", false), ("ab", "abc\u{E9}", false),
        ] as [(String, String, Bool)])
    func namesMatchIgnoringCase(a: String, b: String, match: Bool) {
        #expect(HTTPExchange.headerNamesMatch(a, b) == match)
        #expect(HTTPExchange.headerNamesMatch(b, a) == match)
    }
}

@Suite("HTTPExchange.appendHex")
struct ChunkSizeTests {
    /// The chunk-size line evhttp writes with `%x`.
    @Test(arguments: [(0, "0"), (1, "1"), (15, "f"), (16, "10"), (255, "ff"), (4096, "1000"), (0x1_2345, "12345")])
    func writesLowerCaseHexLikePrintf(value: Int, hex: String) {
        var out: [UInt8] = [0x2A]
        HTTPExchange.appendHex(value, to: &out)
        #expect(out == [0x2A] + Array(hex.utf8))
    }
}

@Suite("HTTPExchange.queryMark")
struct QueryMarkTests {
    @Test(arguments: [
        "/v1/models?x=1", "/p", "?", "/a?b?c", "", "/\u{E9}?q", "/\u{600}?q", "/a?\u{301}b", "/x\u{E9}",
        // Longer than a small String's 15 bytes, so held in a heap buffer of their own.
        "/v1/chat/completions?stream=true&x=1", "/v1/chat/completions", "/v1/chat/completions/\u{E9}?q=1",
        "/v1/chat/completions?\u{301}q=1?r",
    ])
    func findsTheFirstQuestionMarkCharacter(target: String) {
        #expect(HTTPExchange.queryMark(in: target) == target.firstIndex(of: "?"))
    }

    /// A mark, and a byte that is not ASCII, at every offset of targets on both sides of each word the scan
    /// reads at once, and past a small String's length.
    @Test func findsTheMarkAtEveryOffset() {
        for length in 1...40 {
            for offset in 0..<length {
                for (inserted, rest) in [("?", "a"), ("?", "?"), ("\u{E9}", "b"), ("?\u{301}", "c"), ("/", "?")] {
                    let target =
                        String(repeating: "x", count: offset) + inserted
                        + String(repeating: rest, count: length - offset - 1)
                    #expect(HTTPExchange.queryMark(in: target) == target.firstIndex(of: "?"), "\(target)")
                }
            }
        }
    }
}
