import CLibevent
import Glibc
import WordScan

/// A reply's head, composed the way evhttp 2.1 composes it but with fewer of its steps.
///
/// evhttp formats the status line and then every header it holds with a printf each, and holds each header
/// as three allocations (`evhttp_add_header`) freed again with the request: some 4,000 instructions a header.
/// Our own headers are text we already have, so they go out as part of the status line instead: evhttp
/// writes `HTTP/1.1 <status> <reason>\r\n` with the reason as given, and the reason given here is the phrase
/// evhttp would have chosen followed by the headers, each after its CRLF. The bytes on the wire are the
/// same; evhttp's own headers (`Date`, `Content-Length`, `Transfer-Encoding`, `Connection`) still follow
/// them, as before. Only headers evhttp never looks at can go this way (a `Connection: close` it must see
/// to close the connection, for one), and only text it would have written unchanged: a header with CR, LF
/// or NUL, which evhttp drops or cuts, and everything after it, go through `evhttp_add_header` as before.
/// (`Content-Type` can go: evhttp adds one only when it has a default, and `HTTPServer` sets none.)
enum HTTPResponseHead {
    /// How many of `headers`, from the first, can go out with the status line.
    static func inlinableCount(_ headers: [(String, String)]) -> Int {
        var count = 0
        for (name, value) in headers {
            guard !name.isEmpty, !evhttpReads(name), plainText(name), plainText(value) else { break }
            count += 1
        }
        return count
    }

    /// The reason evhttp would write for `status`, then each header on a line of its own; NUL-terminated.
    static func reason(status: Int, headers: ArraySlice<(String, String)>) -> [UInt8] {
        withReason(status: status, headers: headers) { Array($0) }
    }

    /// `body` gets `reason(status:headers:)`'s bytes, measured first and written in place in temporary memory
    /// (on the stack, for any usual head): appending its pieces to a growing array cost some 150 instructions a
    /// piece (a reply has five or nine), its allocation some 500 and a reallocation for a stream's head.
    static func withReason<R>(
        status: Int, headers: ArraySlice<(String, String)>, _ body: (UnsafeBufferPointer<UInt8>) -> R
    ) -> R {
        let phrase = reasonPhrase(status)
        var total = phrase.utf8.count + 1
        for (name, value) in headers { total += name.utf8.count + value.utf8.count + 4 }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: total) { buffer in
            guard let base = buffer.baseAddress else { return body(UnsafeBufferPointer(buffer)) }
            var at = copy(phrase, to: base)
            for (name, value) in headers {
                at[0] = 0x0D
                at[1] = 0x0A
                at = copy(name, to: at + 2)
                at[0] = UInt8(ascii: ":")
                at[1] = UInt8(ascii: " ")
                at = copy(value, to: at + 2)
            }
            at[0] = 0
            return body(UnsafeBufferPointer(start: base, count: base.distance(to: at) + 1))
        }
    }

    /// Copies `text`'s UTF-8 to `out` and returns the end of the copy. Its contiguous bytes (every native String
    /// has them) in one copy; others byte by byte.
    private static func copy(_ text: String, to out: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        let copied = text.utf8.withContiguousStorageIfAvailable { bytes -> Int in
            guard let from = bytes.baseAddress else { return 0 }
            out.update(from: from, count: bytes.count)
            return bytes.count
        }
        if let copied { return out + copied }
        var at = out
        for byte in text.utf8 {
            at.pointee = byte
            at += 1
        }
        return at
    }

    /// libevent 2.1's reason phrase for `status` (http.c, `evhttp_response_phrase_internal`), fallbacks and
    /// all: a code past its class's list gets the class's name (429 is "Client Error"; 307 "Redirection").
    static func reasonPhrase(_ status: Int) -> String {
        let code = Int(Int32(clamping: status))
        let klass = code / 100 - 1
        let subcode = code % 100
        guard klass >= 0, klass < phraseClasses.count else { return "Unknown Status Class" }
        let phrases = phraseClasses[klass]
        guard subcode < phrases.responses.count else { return phrases.name }
        return phrases.responses[subcode]
    }

    private static let phraseClasses: [(name: String, responses: [String])] = [
        ("Informational", ["Continue", "Switching Protocols"]),
        (
            "Success",
            [
                "OK", "Created", "Accepted", "Non-Authoritative Information", "No Content", "Reset Content",
                "Partial Content",
            ]
        ),
        (
            "Redirection",
            [
                "Multiple Choices", "Moved Permanently", "Found", "See Other", "Not Modified", "Use Proxy",
                "Temporary Redirect",
            ]
        ),
        (
            "Client Error",
            [
                "Bad Request", "Unauthorized", "Payment Required", "Forbidden", "Not Found", "Method Not Allowed",
                "Not Acceptable", "Proxy Authentication Required", "Request Time-out", "Conflict", "Gone",
                "Length Required", "Precondition Failed", "Request Entity Too Large", "Request-URI Too Large",
                "Unsupported Media Type", "Requested range not satisfiable", "Expectation Failed",
            ]
        ),
        (
            "Server Error",
            [
                "Internal Server Error", "Not Implemented", "Bad Gateway", "Service Unavailable", "Gateway Time-out",
                "HTTP Version not supported",
            ]
        ),
    ]

    /// Headers evhttp looks for, adds, removes or acts on when it writes a reply and after.
    private static func evhttpReads(_ name: String) -> Bool {
        switch name.utf8.count {
        case 4: HTTPExchange.headerNamesMatch(name, "Date")
        case 10: HTTPExchange.headerNamesMatch(name, "Connection")
        case 14: HTTPExchange.headerNamesMatch(name, "Content-Length")
        case 16: HTTPExchange.headerNamesMatch(name, "Proxy-Connection")
        case 17: HTTPExchange.headerNamesMatch(name, "Transfer-Encoding")
        default: false
        }
    }

    /// Whether `text` has no CR, LF or NUL. Over the contiguous bytes where the String has them (every native
    /// one), eight at a time: the UTF-8 view's iterator cost several times as much per byte, and a byte loop
    /// with a predicate closure some 7 instructions a byte, for every header of every reply.
    private static func plainText(_ text: String) -> Bool {
        if let plain = text.utf8.withContiguousStorageIfAvailable(hasNoBreak) { return plain }
        return !text.utf8.contains { isBreak($0) }
    }

    static func hasNoBreak(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= 8 else { return !bytes.contains { isBreak($0) } }
        return ByteWords.firstFlagged(UnsafeRawBufferPointer(bytes), mayHoldBreak) == bytes.count
    }

    private static func isBreak(_ byte: UInt8) -> Bool { byte == 0x0D || byte == 0x0A || byte == 0 }

    /// Whether one of the eight bytes in `word` is CR, LF or NUL (exact).
    private static func mayHoldBreak(_ word: UInt64) -> Bool {
        ByteWords.hasZeroByte(word) || ByteWords.hasByte(word, 0x0D) || ByteWords.hasByte(word, 0x0A)
    }
}

extension HTTPServer {
    /// `body` gets the value evhttp would give a reply's `Date` header now (`evutil_date_rfc1123`), formatted
    /// once a second instead of once a reply; NUL-terminated. Kept as the C string it is handed on as: held
    /// as a String, each reply paid `withCString`'s path to a pointer.
    func withDateHeaderValue<R>(_ body: (UnsafePointer<CChar>) -> R) -> R {
        var now = time(nil)
        if now != dateHeaderSecond {
            var fields = tm()
            gmtime_r(&now, &fields)
            var text = [CChar](repeating: 0, count: 50)
            _ = evutil_date_rfc1123(&text, text.count, &fields)
            // Up to and with the NUL, which the formatter always writes within the buffer.
            text[text.count - 1] = 0
            dateHeaderValue = Array(text[...(text.firstIndex(of: 0) ?? text.count - 1)])
            dateHeaderSecond = now
        }
        return dateHeaderValue.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return "".withCString(body) }
            return body(base)
        }
    }
}
