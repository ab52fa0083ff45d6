/// The chunked framing of a request body (RFC 9112 §7.1), followed byte by byte as it arrives, before
/// evhttp reads it. evhttp 2.1 answers malformed chunk sizes with an HTML 413 (400 is right) and reads a
/// chunked body up to its own hard limit before anyone can refuse it; here a malformed body is a 400 and
/// one over the body limit a 413, both as JSON, as soon as the byte that breaks the rule arrives.
package struct ChunkedBodyRules: Equatable, Sendable {
    package enum Verdict: Equatable, Sendable {
        case more
        /// The last chunk and the trailer section are complete; bytes after it belong to the next request.
        case complete(consumed: Int)
        case malformed(String)
        case tooLarge
    }

    private enum State: Equatable {
        case size
        case sizeWhitespace
        case sizeLF
        case data(remaining: Int)
        case dataCR
        case dataLF
        case trailerLineStart
        case trailerLine
        case trailerLF
        case finalLF
    }

    private var state = State.size
    private var size = 0
    private var sizeDigits = 0
    private var total = 0
    private let limit: Int

    package init(limit: Int) { self.limit = limit }

    /// The next bytes of the body. Chunk data is skipped over, not looked at byte by byte.
    package mutating func accept(_ bytes: UnsafeRawBufferPointer) -> Verdict {
        var index = 0
        while index < bytes.count {
            if case .data(let remaining) = state {
                let skip = min(remaining, bytes.count - index)
                index += skip
                state = remaining > skip ? .data(remaining: remaining - skip) : .dataCR
                continue
            }
            let byte = bytes[index]
            index += 1
            let consumed = index
            switch state {
            case .size:
                if let digit = Self.hexValue(byte) {
                    sizeDigits += 1
                    guard sizeDigits <= 15 else { return .malformed("A chunk size is too long.") }
                    size = size * 16 + digit
                } else if sizeDigits > 0 && byte == UInt8(ascii: ";") {
                    // RFC 9112 allows extensions, but evhttp 2.1 fails on them (with an HTML 413).
                    return .malformed("Chunk extensions are not supported.")
                } else if sizeDigits > 0 && (byte == UInt8(ascii: " ") || byte == 0x09) {
                    state = .sizeWhitespace
                } else if sizeDigits > 0 && byte == UInt8(ascii: "\r") {
                    state = .sizeLF
                } else if sizeDigits > 0 && byte == UInt8(ascii: "\n") {
                    if let verdict = endOfSize() { return verdict }
                } else {
                    return .malformed("A chunk size is not a hexadecimal number.")
                }
            case .sizeWhitespace:
                if byte == UInt8(ascii: "\r") {
                    state = .sizeLF
                } else if byte == UInt8(ascii: "\n") {
                    if let verdict = endOfSize() { return verdict }
                } else if byte != UInt8(ascii: " ") && byte != 0x09 {
                    return .malformed("A chunk size line has more than a size.")
                }
            case .sizeLF:
                guard byte == UInt8(ascii: "\n") else { return .malformed("A chunk size line does not end in CRLF.") }
                if let verdict = endOfSize() { return verdict }
            case .data:
                break
            case .dataCR:
                if byte == UInt8(ascii: "\r") {
                    state = .dataLF
                } else if byte == UInt8(ascii: "\n") {
                    state = .size
                } else {
                    return .malformed("A chunk's data is longer than its size.")
                }
            case .dataLF:
                guard byte == UInt8(ascii: "\n") else { return .malformed("A chunk's data is longer than its size.") }
                state = .size
            case .trailerLineStart:
                if byte == UInt8(ascii: "\r") {
                    state = .finalLF
                } else if byte == UInt8(ascii: "\n") {
                    return .complete(consumed: consumed)
                } else {
                    state = .trailerLine
                }
            case .trailerLine:
                if byte == UInt8(ascii: "\r") {
                    state = .trailerLF
                } else if byte == UInt8(ascii: "\n") {
                    state = .trailerLineStart
                }
            case .trailerLF:
                guard byte == UInt8(ascii: "\n") else { return .malformed("A trailer line does not end in CRLF.") }
                state = .trailerLineStart
            case .finalLF:
                guard byte == UInt8(ascii: "\n") else { return .malformed("The chunked body does not end in CRLF.") }
                return .complete(consumed: consumed)
            }
        }
        return .more
    }

    package mutating func accept(_ bytes: [UInt8]) -> Verdict {
        bytes.withUnsafeBytes { accept($0) }
    }

    private mutating func endOfSize() -> Verdict? {
        defer {
            size = 0
            sizeDigits = 0
        }
        if size == 0 {
            state = .trailerLineStart
            return nil
        }
        total += size
        if total > limit { return .tooLarge }
        state = .data(remaining: size)
        return nil
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A")) + 10
        default: nil
        }
    }
}
