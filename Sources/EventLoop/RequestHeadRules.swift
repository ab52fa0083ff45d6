import Glibc
import WordScan

/// The framing rules a request head must meet before evhttp parses it, checked one line at a time as
/// lines arrive (RFC 9112). evhttp 2.1 accepts two different `Content-Length`s (the first wins),
/// `Content-Length` together with `Transfer-Encoding`, and folded header lines; behind a load balancer
/// each is how request smuggling starts. It also answers what it does refuse with an HTML page. Here
/// each is refused, answered as JSON by the server, and the connection closed.
package struct RequestHeadRules: Equatable, Sendable {
    package enum Verdict: Equatable, Sendable {
        /// The line is fine; more lines of the head follow.
        case more
        /// The blank line: the head is complete and consistent. `contentLength` as declared, if it was.
        case complete(contentLength: Int?)
        /// Refuse the request: a 400 with this reason.
        case reject(String)
        /// A method evhttp does not serve (it would answer with an HTML 405).
        case methodNotAllowed(String)
    }

    private var linesSeen = 0
    /// The declared length: every value was at most 18 digits, so equal values are equal numbers.
    private var contentLength: Int?
    private var chunked = false

    package init() {}

    /// The head declared a chunked body (its size is known only once read).
    package var isChunked: Bool { chunked }

    /// One line of the head, without its line ending (CRLF or bare LF).
    package mutating func accept(_ line: ArraySlice<UInt8>) -> Verdict {
        line.withUnsafeBytes { accept($0) }
    }

    /// `accept` for a line read in place from the connection's input buffer: every line of every head
    /// passes here, so it walks bytes by offset and makes no String unless it refuses the line.
    package mutating func accept(_ line: UnsafeRawBufferPointer) -> Verdict {
        defer { linesSeen += 1 }
        if linesSeen == 0 {
            // RFC 9112 §2.2: a server should ignore an empty line before the request line.
            if line.isEmpty {
                linesSeen = -1
            } else if let problem = Self.requestLineProblem(line) {
                return .reject(problem)
            } else if let space = Self.offset(of: UInt8(ascii: " "), in: line) {
                // A valid request line: its method is everything before the first space.
                let method = UnsafeRawBufferPointer(rebasing: line[..<space])
                if !Self.isServedMethod(method) {
                    return .methodNotAllowed(String(decoding: method, as: UTF8.self))
                }
            }
            return .more
        }
        if line.isEmpty { return finish() }
        if line[0] == UInt8(ascii: " ") || line[0] == UInt8(ascii: "\t") {
            return .reject("Obsolete line folding (a header line starting with whitespace) is not accepted.")
        }
        guard let colon = Self.offset(of: UInt8(ascii: ":"), in: line), colon > 0 else {
            return .reject("A header line has no field name and colon.")
        }
        let name = UnsafeRawBufferPointer(rebasing: line[..<colon])
        guard name.allSatisfy(Self.isTokenByte) else {
            return .reject("A header field name has characters that are not allowed (RFC 9110 §5.1).")
        }
        let value = Self.trimmed(UnsafeRawBufferPointer(rebasing: line[(colon + 1)...]))
        guard Self.isFieldValue(value) else {
            return .reject("A header field value has control characters.")
        }
        // Names are token bytes (ASCII) by now, so an ASCII case fold is exact; no String per header line. Judged by
        // length first: most lines are neither, and each comparison was a call.
        if name.count == 14, Self.equalsIgnoringCase(name, "content-length") {
            var itemStart = 0
            while itemStart <= value.count {
                let itemEnd = value[itemStart...].firstIndex(of: UInt8(ascii: ",")) ?? value.count
                let item = Self.trimmed(UnsafeRawBufferPointer(rebasing: value[itemStart..<itemEnd]))
                guard !item.isEmpty, item.count <= 18, item.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                    return .reject("Content-Length must be a non-negative whole number of bytes.")
                }
                let number = item.reduce(0) { $0 * 10 + Int($1 - 0x30) }
                if let seen = contentLength, seen != number {
                    return .reject("The request has two different Content-Length values.")
                }
                contentLength = number
                itemStart = itemEnd + 1
            }
        } else if name.count == 17, Self.equalsIgnoringCase(name, "transfer-encoding") {
            if chunked || !Self.isChunked(value) {
                return .reject("Only \"Transfer-Encoding: chunked\" is supported, once.")
            }
            chunked = true
        }
        return .more
    }

    private func finish() -> Verdict {
        if contentLength != nil && chunked {
            return .reject("The request has both Content-Length and Transfer-Encoding.")
        }
        return .complete(contentLength: contentLength)
    }

    /// The value is `chunked` in any ASCII case, exactly as evhttp decides it (`evutil_ascii_strcasecmp`).
    /// Not `String.lowercased()`: it folds the Kelvin sign to `k`, so `chun\u{212A}ed` would have been chunked
    /// to these rules and not to evhttp, each reading the body its own way.
    private static func isChunked(_ value: UnsafeRawBufferPointer) -> Bool {
        equalsIgnoringCase(value, "chunked")
    }

    /// The methods the server hands to its handler (`HTTPServer` allows the same set in evhttp).
    package static let methods: Set<String> = ["GET", "POST", "HEAD", "OPTIONS", "PUT", "DELETE", "PATCH"]

    /// `methods` holds `method`, compared as bytes. Spelled out, not a static table: each request line paid
    /// a lazy-initialization check per table, and a comparison per method through the generic path.
    private static func isServedMethod(_ method: UnsafeRawBufferPointer) -> Bool {
        switch method.count {
        case 3: equals(method, "GET") || equals(method, "PUT")
        case 4: equals(method, "POST") || equals(method, "HEAD")
        case 5: equals(method, "PATCH")
        case 6: equals(method, "DELETE")
        case 7: equals(method, "OPTIONS")
        default: false
        }
    }

    /// `bytes` is exactly `text`.
    private static func equals(_ bytes: UnsafeRawBufferPointer, _ text: StaticString) -> Bool {
        guard bytes.count == text.utf8CodeUnitCount, let base = bytes.baseAddress else {
            return bytes.count == text.utf8CodeUnitCount && bytes.isEmpty
        }
        return memcmp(base, text.utf8Start, bytes.count) == 0
    }

    /// `method SP request-target SP HTTP/1.x`, RFC 9112 §3. Read in place: exactly two spaces, so three parts.
    private static func requestLineProblem(_ line: UnsafeRawBufferPointer) -> String? {
        let malformed = "The request line is not \"METHOD target HTTP/1.1\"."
        guard let first = offset(of: UInt8(ascii: " "), in: line),
            let second = offset(of: UInt8(ascii: " "), in: UnsafeRawBufferPointer(rebasing: line[(first + 1)...]))
                .map({ $0 + first + 1 }),
            offset(of: UInt8(ascii: " "), in: UnsafeRawBufferPointer(rebasing: line[(second + 1)...])) == nil
        else { return malformed }
        let method = line[..<first]
        let target = line[(first + 1)..<second]
        guard !method.isEmpty, method.allSatisfy(isTokenByte), !target.isEmpty,
            target.allSatisfy({ $0 > 0x20 && $0 != 0x7F })
        else { return malformed }
        let version = UnsafeRawBufferPointer(rebasing: line[(second + 1)...])
        guard equals(version, "HTTP/1.1") || equals(version, "HTTP/1.0") else {
            return "Only HTTP/1.0 and HTTP/1.1 are served here."
        }
        return nil
    }

    /// `bytes` equals `lowercase` (ASCII, lower case) but for the case of its letters.
    ///
    /// A `StaticString`, not a static array: every header line compares two names, and each static array
    /// cost a lazy-initialization check per use.
    private static func equalsIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        let expected = UnsafeBufferPointer(start: lowercase.utf8Start, count: lowercase.utf8CodeUnitCount)
        for (b, l) in zip(bytes, expected) {
            let folded = b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") ? b | 0x20 : b
            if folded != l { return false }
        }
        return true
    }

    /// No control character but HTAB in `value` (RFC 9110 §5.5: visible ASCII, space, HTAB and obs-text).
    /// Eight bytes at a time, the last eight overlapping the word before, while none of them may be below 0x20
    /// or DEL; byte by byte for a value under eight bytes or from a word that may hold one. Byte by byte alone
    /// cost some 8 instructions a byte of every header value.
    package static func isFieldValue(_ value: UnsafeRawBufferPointer) -> Bool {
        let from = value.count >= 8 ? ByteWords.firstFlagged(value, holdsControl) : 0
        return value[from...].allSatisfy { $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }
    }

    /// Whether one of the eight bytes in `word` is below 0x20 or DEL (exact).
    private static func holdsControl(_ word: UInt64) -> Bool {
        ByteWords.flagsBelow(word, 0x20) | ByteWords.flagsEqual(word, 0x7F) != 0
    }

    /// RFC 9110 §5.6.2 `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        // Spelled out: this runs for every byte of every header name, and a literal array per byte
        // allocated.
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// Where `byte` first occurs in `bytes`: memchr, where `firstIndex(of:)` took a generic step per byte of
    /// every head line.
    private static func offset(of byte: UInt8, in bytes: UnsafeRawBufferPointer) -> Int? {
        guard let base = bytes.baseAddress, let found = memchr(base, Int32(byte), bytes.count) else { return nil }
        return base.distance(to: UnsafeRawPointer(found))
    }

    private static func trimmed(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        return UnsafeRawBufferPointer(rebasing: bytes[start..<end])
    }
}
