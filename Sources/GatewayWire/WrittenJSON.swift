/// Recognises a JSON value spelled exactly as `JSONWriter` spells it: no whitespace, strings escaped only where
/// the writer escapes (`\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`, other control characters as `\u00xx` in
/// lowercase hex), valid UTF-8, numbers in RFC 8259's grammar (the writer keeps their text). Such bytes are what
/// `JSONWriter.write` makes of what `JSONParser` reads from them, so a value the shim wrote can be forwarded as
/// its bytes, without building it and writing it again.
///
/// Strictly narrower than `JSONParser`: anything it accepts, the parser accepts; anything else (another
/// spelling of the same value, or not JSON at all) is for the parser, which answers as it always did.
package enum WrittenJSON {
    /// The end of the value that starts at `start`, when it is spelled as `JSONWriter` spells it; nil otherwise.
    /// `depth` is how deep `start` already is, counted as `JSONParser` counts it (0 for a document's own value).
    package static func valueEnd(
        in bytes: UnsafeBufferPointer<UInt8>, from start: Int, depth: Int = 0,
        maxDepth: Int = JSONParser.defaultMaxDepth
    ) -> Int? {
        var scanner = Scanner(bytes: bytes, index: start, maxDepth: maxDepth)
        guard scanner.value(depth: depth) else { return nil }
        return scanner.index
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index: Int
        let maxDepth: Int

        mutating func value(depth: Int) -> Bool {
            guard index < bytes.count else { return false }
            switch bytes[index] {
            case UInt8(ascii: "{"): return object(depth: depth + 1)
            case UInt8(ascii: "["): return array(depth: depth + 1)
            case UInt8(ascii: "\""): return string()
            case UInt8(ascii: "t"): return literal("true")
            case UInt8(ascii: "f"): return literal("false")
            case UInt8(ascii: "n"): return literal("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number()
            default: return false
            }
        }

        mutating func object(depth: Int) -> Bool { container(closedBy: UInt8(ascii: "}"), keyed: true, depth: depth) }

        mutating func array(depth: Int) -> Bool { container(closedBy: UInt8(ascii: "]"), keyed: false, depth: depth) }

        /// An object's members (`keyed`) or an array's elements, from the opening byte to past `closedBy`.
        mutating func container(closedBy close: UInt8, keyed: Bool, depth: Int) -> Bool {
            guard depth <= maxDepth else { return false }
            index += 1
            if index < bytes.count, bytes[index] == close {
                index += 1
                return true
            }
            while true {
                if keyed {
                    guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), string() else { return false }
                    guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return false }
                    index += 1
                }
                guard value(depth: depth), index < bytes.count else { return false }
                switch bytes[index] {
                case UInt8(ascii: ","): index += 1
                case close:
                    index += 1
                    return true
                default: return false
                }
            }
        }

        mutating func literal(_ text: StaticString) -> Bool {
            guard bytes.hasBytes(of: text, at: index) else { return false }
            index += text.utf8CodeUnitCount
            return true
        }

        mutating func number() -> Bool {
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count else { return false }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
            } else {
                guard digits() else { return false }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard digits() else { return false }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                    index += 1
                }
                guard digits() else { return false }
            }
            return true
        }

        /// One or more ASCII digits.
        mutating func digits() -> Bool {
            let start = index
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                index += 1
            }
            return index > start
        }

        mutating func string() -> Bool {
            index += 1
            let start = index
            var ascii = true
            while index < bytes.count {
                let b = bytes[index]
                switch b {
                case UInt8(ascii: "\""):
                    // Escapes are ASCII, so they split or end a multi-byte sequence exactly as the bytes they
                    // stand for would: the raw span is valid UTF-8 exactly when the decoded string is.
                    let valid =
                        ascii
                        || String(validating: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self) != nil
                    index += 1
                    return valid
                case UInt8(ascii: "\\"):
                    guard escape() else { return false }
                case 0..<0x20:
                    return false
                default:
                    if b >= 0x80 { ascii = false }
                    index += 1
                }
            }
            return false
        }

        /// The escape at `index`, when it is the one `JSONWriter` writes for the character it stands for.
        mutating func escape() -> Bool {
            guard index + 1 < bytes.count else { return false }
            switch bytes[index + 1] {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"),
                UInt8(ascii: "b"), UInt8(ascii: "f"):
                index += 2
                return true
            case UInt8(ascii: "u"):
                guard index + 6 <= bytes.count, bytes[index + 2] == UInt8(ascii: "0"),
                    bytes[index + 3] == UInt8(ascii: "0"), let high = Self.lowerHex(bytes[index + 4]),
                    let low = Self.lowerHex(bytes[index + 5])
                else { return false }
                // The writer spells these five short, and everything from 0x20 up as itself.
                switch high << 4 | low {
                case 0x08, 0x09, 0x0A, 0x0C, 0x0D: return false
                case 0..<0x20:
                    index += 6
                    return true
                default: return false
                }
            default:
                return false
            }
        }

        static func lowerHex(_ b: UInt8) -> UInt8? {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
            default: return nil
            }
        }
    }
}
