import EventLoop
import Testing

@Suite("RequestHeadRules")
struct RequestHeadRulesTests {
    static func run(_ lines: [String]) -> RequestHeadRules.Verdict {
        var rules = RequestHeadRules()
        var verdict = RequestHeadRules.Verdict.more
        for line in lines {
            verdict = rules.accept(Array(line.utf8)[...])
            if verdict != .more { return verdict }
        }
        return verdict
    }

    /// The word-at-a-time check against the byte rule, on every length to 40 with a control byte, DEL, HTAB,
    /// obs-text or nothing special at each position, and on random bytes.
    @Test func fieldValuesAreJudgedAsByteByByte() {
        let byteRule = { (bytes: [UInt8]) in bytes.allSatisfy { $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) } }
        func judged(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBytes { RequestHeadRules.isFieldValue($0) } }
        for length in 0...40 {
            for special: UInt8 in [0x00, 0x01, 0x09, 0x0A, 0x0D, 0x1F, 0x20, 0x7E, 0x7F, 0x80, 0xFF] {
                for position in 0..<max(length, 1) {
                    var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    if position < length { bytes[position] = special }
                    #expect(judged(bytes) == byteRule(bytes), "\(bytes)")
                }
            }
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 0...24, using: &generator)).map { _ in
                // Mostly printable, with controls, DEL and high bytes often enough to land in every lane.
                Bool.random(using: &generator)
                    ? UInt8.random(in: 0x20...0x7E, using: &generator) : UInt8.random(in: 0...255, using: &generator)
            }
            #expect(judged(bytes) == byteRule(bytes), "\(bytes)")
        }
        let rejected = RequestHeadRules.Verdict.reject("A header field value has control characters.")
        #expect(Self.run(["GET / HTTP/1.1", "User-Agent: a long agent string\u{7F} with DEL", ""]) == rejected)
        #expect(
            Self.run(["GET / HTTP/1.1", "User-Agent: a long agent string\twith a tab é", "Host: x", ""])
                == .complete(contentLength: nil))
    }

    @Test func aPlainHeadCompletes() {
        #expect(Self.run(["GET /ping HTTP/1.1", "Host: x", ""]) == .complete(contentLength: nil))
        #expect(
            Self.run(["POST /v1/chat/completions HTTP/1.1", "Content-Length: 0012", "Host: x", ""])
                == .complete(contentLength: 12))
        #expect(Self.run(["POST / HTTP/1.0", "Transfer-Encoding: Chunked", ""]) == .complete(contentLength: nil))
    }

    /// Field names match in any case; names that only resemble them, or carry every `tchar`, are other headers.
    @Test func fieldNamesMatchCaseInsensitively() {
        #expect(Self.run(["POST / HTTP/1.1", "CONTENT-LENGTH: 3", ""]) == .complete(contentLength: 3))
        #expect(Self.run(["POST / HTTP/1.1", "tRaNsFeR-eNcOdInG: chunked", ""]) == .complete(contentLength: nil))
        #expect(
            Self.run(["POST / HTTP/1.1", "Content-Lengthx: 3", "Content-Lengt: 4", "X!#$%&'*+-.^_`|~9: v", ""])
                == .complete(contentLength: nil))
        #expect(Self.run(["POST / HTTP/1.1", "Content Length: 3"]) != .more)
        #expect(Self.run(["POST / HTTP/1.1", "Content-L\u{e9}ngth: 3"]) != .more)
    }

    @Test func aLeadingEmptyLineIsIgnored() {
        #expect(Self.run(["", "GET / HTTP/1.1", ""]) == .complete(contentLength: nil))
    }

    @Test func repeatedEqualContentLengthsAreOne() {
        #expect(
            Self.run(["POST / HTTP/1.1", "Content-Length: 5", "content-length: 5, 05", ""])
                == .complete(contentLength: 5))
    }

    @Test(
        "refuses",
        arguments: [
            (["POST / HTTP/1.1", "Content-Length: 5", "Content-Length: 6"], "two different Content-Length"),
            (["POST / HTTP/1.1", "Content-Length: 5, 6"], "two different Content-Length"),
            (["POST / HTTP/1.1", "Content-Length: -1"], "non-negative whole number"),
            (["POST / HTTP/1.1", "Content-Length: 1e3"], "non-negative whole number"),
            (["POST / HTTP/1.1", "Content-Length: "], "non-negative whole number"),
            (["POST / HTTP/1.1", "Content-Length: 99999999999999999999"], "non-negative whole number"),
            (["POST / HTTP/1.1", "Content-Length: 5", "Transfer-Encoding: chunked", ""], "both Content-Length"),
            (["POST / HTTP/1.1", "Transfer-Encoding: gzip, chunked"], "Transfer-Encoding: chunked"),
            // The Kelvin sign lowercases to "k" in Unicode, not in evhttp's ASCII comparison.
            (["POST / HTTP/1.1", "Transfer-Encoding: chun\u{212A}ed"], "Transfer-Encoding: chunked"),
            (["POST / HTTP/1.1", "Transfer-Encoding: chunked", "Transfer-Encoding: chunked"], "once"),
            (["POST / HTTP/1.1", "X-A: b", " folded"], "folding"),
            (["POST / HTTP/1.1", "no colon here"], "no field name"),
            (["POST / HTTP/1.1", ": empty name"], "no field name"),
            (["POST / HTTP/1.1", "Bad Name: x"], "not allowed"),
            (["POST / HTTP/1.1", "X-A: b\u{01}c"], "control characters"),
            (["garbage"], "request line"),
            (["GET  / HTTP/1.1"], "request line"),
            (["GET / HTTP/2.0"], "HTTP/1.0 and HTTP/1.1"),
            (["G(T / HTTP/1.1"], "request line"),
            (["GET / HTTP/1.1 "], "request line"), ([" GET / HTTP/1.1"], "request line"),
            (["GET /\u{7F} HTTP/1.1"], "request line"), (["GET /"], "request line"), (["GET / "], "HTTP/1.0"),
            (["GET / HTTP/1.10"], "HTTP/1.0 and HTTP/1.1"), (["GET / http/1.1"], "HTTP/1.0 and HTTP/1.1"),
        ])
    func refuses(lines: [String], reason: String) {
        guard case .reject(let message) = Self.run(lines) else {
            Issue.record("\(lines) was accepted")
            return
        }
        #expect(message.contains(reason), "\(message)")
    }

    @Test func methodsOutsideTheServedSetAreNotAllowed() {
        #expect(Self.run(["BREW /pot HTTP/1.1"]) == .methodNotAllowed("BREW"))
        #expect(Self.run(["get / HTTP/1.1"]) == .methodNotAllowed("get"))
        #expect(Self.run(["GETS / HTTP/1.0"]) == .methodNotAllowed("GETS"))
        // Near misses of each length the served methods have, and methods evhttp knows but does not serve here.
        for method in ["GEX", "PUX", "POS", "HEADS", "PATCX", "DELETX", "OPTIONX", "TRACE", "CONNECT"] {
            #expect(Self.run(["\(method) / HTTP/1.1"]) == .methodNotAllowed(method))
        }
        for method in RequestHeadRules.methods {
            #expect(Self.run(["\(method) /\u{E9} HTTP/1.0", ""]) == .complete(contentLength: nil))
        }
    }

    @Test func defaultConnectionCapLeavesRoomForTwoDescriptorsPerRequest() {
        #expect(HTTPLimits.defaultMaxConnections(fileLimit: 1024) == 960)
        #expect(HTTPLimits.defaultMaxConnections(fileLimit: 65536) == 65472)
        #expect(HTTPLimits.defaultMaxConnections(fileLimit: 64) == 16)
    }
}
