import Testing

@testable import EventLoop

@Suite("HTTPResponseHead")
struct HTTPResponseHeadTests {
    /// libevent 2.1's phrases, its class-name fallbacks included (the wire has always said these).
    @Test(arguments: [
        (200, "OK"), (400, "Bad Request"), (401, "Unauthorized"), (404, "Not Found"), (405, "Method Not Allowed"),
        (408, "Request Time-out"), (413, "Request Entity Too Large"), (429, "Client Error"),
        (500, "Internal Server Error"), (502, "Bad Gateway"), (503, "Service Unavailable"),
        (504, "Gateway Time-out"), (306, "Temporary Redirect"), (307, "Redirection"), (101, "Switching Protocols"),
        (599, "Server Error"), (99, "Unknown Status Class"), (600, "Unknown Status Class"),
        (-200, "Unknown Status Class"),
    ])
    func phrasesAreLibevents(status: Int, phrase: String) {
        #expect(HTTPResponseHead.reasonPhrase(status) == phrase)
    }

    @Test func headersFollowThePhraseEachOnALineOfItsOwn() {
        let reason = HTTPResponseHead.reason(
            status: 429, headers: [("Content-Type", "application/json"), ("Retry-After", "1")][...])
        #expect(reason == Array("Client Error\r\nContent-Type: application/json\r\nRetry-After: 1\u{0}".utf8))
        #expect(HTTPResponseHead.reason(status: 200, headers: [][...]) == Array("OK\u{0}".utf8))
    }

    @Test func onlyHeadersEvhttpIgnoresAndWouldWriteUnchangedGoInline() {
        let plain = [("Content-Type", "application/json"), ("x-request-id", "req_1"), ("Retry-After", "1")]
        #expect(HTTPResponseHead.inlinableCount(plain) == 3)
        #expect(HTTPResponseHead.inlinableCount([]) == 0)
        // Headers evhttp reads when it writes the reply (or after) stop the inline run, whatever their case;
        // so does text evhttp would drop or cut. What follows them goes through evhttp in order.
        for stop in [
            ("connection", "close"), ("Date", "x"), ("CONTENT-LENGTH", "1"), ("Transfer-Encoding", "chunked"),
            ("Proxy-Connection", "close"), ("X-Bad", "a\r\nInjected: yes"), ("X-Nul", "a\u{0}b"), ("", "x"),
            ("X\nBad", "x"),
        ] {
            #expect(HTTPResponseHead.inlinableCount([plain[0], stop, plain[1]]) == 1, "\(stop)")
        }
        // Values long enough to sit in a heap buffer are judged the same way.
        let long = String(repeating: "a", count: 40)
        #expect(HTTPResponseHead.inlinableCount([("x-request-id", long), ("X-Bad", long + "\r\n" + long)]) == 1)
        #expect(HTTPResponseHead.inlinableCount([("X-Nul", long + "\u{0}"), plain[0]]) == 0)
        // Names that merely share a length with one evhttp reads are ours.
        #expect(HTTPResponseHead.inlinableCount([("Vary", "x"), ("Keep-Alive", "x"), ("Content-Language", "en")]) == 3)
    }

    /// The word-at-a-time scan finds CR, LF and NUL wherever they sit, in texts of every length to 40, and only
    /// them (bytes either side of each, 0x0B, 0x8D and 0x80 among the others tried).
    @Test func breaksAreFoundAtEveryPosition() {
        for count in 0...40 {
            let plain = [UInt8]((0..<count).map { UInt8(0x20 + $0 * 7 % 0x5F) })
            #expect(plain.withUnsafeBufferPointer(HTTPResponseHead.hasNoBreak))
            for position in 0..<count {
                for byte: UInt8 in [0x00, 0x01, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x80, 0x8A, 0x8D, 0xFF] {
                    var text = plain
                    text[position] = byte
                    let expected = byte != 0x00 && byte != 0x0A && byte != 0x0D
                    let found = text.withUnsafeBufferPointer(HTTPResponseHead.hasNoBreak)
                    #expect(found == expected, "\(count) \(position) \(byte)")
                }
            }
        }
    }

    /// The Content-Length the exchange adds in evhttp's place is spelled as evhttp's `%zu` spelled it.
    @Test func lengthsAreWrittenAsPrintfDoes() {
        var values = Array(0...1100) + [Int.max]
        var power = 1
        while power <= Int.max / 10 {
            power *= 10
            values += [power - 1, power, power + 1]
        }
        for value in values {
            #expect(HTTPExchange.withDecimal(value) { String(cString: $0) } == String(value))
        }
    }
}
