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

    @Test func aPlainHeadCompletes() {
        #expect(Self.run(["GET /ping HTTP/1.1", "Host: x", ""]) == .complete(contentLength: nil))
        #expect(
            Self.run(["POST /v1/chat/completions HTTP/1.1", "Content-Length: 0012", "Host: x", ""])
                == .complete(contentLength: 12))
        #expect(Self.run(["POST / HTTP/1.0", "Transfer-Encoding: Chunked", ""]) == .complete(contentLength: nil))
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
        ])
    func refuses(lines: [String], reason: String) {
        guard case .reject(let message) = Self.run(lines) else {
            Issue.record("\(lines) was accepted")
            return
        }
        #expect(message.contains(reason), "\(message)")
    }

    @Test func defaultConnectionCapLeavesRoomForTwoDescriptorsPerRequest() {
        #expect(HTTPLimits.defaultMaxConnections(fileLimit: 1024) == 960)
        #expect(HTTPLimits.defaultMaxConnections(fileLimit: 65536) == 65472)
        #expect(HTTPLimits.defaultMaxConnections(fileLimit: 64) == 16)
    }
}
