/// Serialises a `JSONValue` compactly (no spaces), as OpenAI's streaming chunks are written;
/// non-ASCII is written as UTF-8, control characters escaped.
package enum JSONWriter {
    package static func bytes(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(value, into: &out)
        return out
    }

    package static func string(_ value: JSONValue) -> String {
        String(decoding: bytes(value), as: UTF8.self)
    }

    package static func write(_ value: JSONValue, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(literal: "null")
        case .bool(let b): out.append(literal: b ? "true" : "false")
        case .number(let n): out.append(contentsOf: n.utf8)
        case .string(let s): writeString(s, into: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (i, e) in elements.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(e, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (i, (k, v)) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                writeString(k, into: &out)
                out.append(UInt8(ascii: ":"))
                write(v, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Writes what `JSONValue.int(value)` holds, without making the value.
    /// Digits written straight into `out`: every streamed chunk and every response writes a few numbers,
    /// and `String(value)` made a String for each. Composed on the stack and appended as one copy: appending
    /// placeholder zeros and then writing through the array cost two generic passes over it per number.
    package static func writeInt(_ value: Int, into out: inout [UInt8]) {
        // The common case, a one-digit count or index, is one append.
        if value >= 0, value < 10 { return out.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value)) }
        // 20 digits and a sign hold any Int.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { digits in
            var magnitude = value.magnitude
            var start = digits.count
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 {
                start -= 1
                digits[start] = UInt8(ascii: "-")
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Every string of every streamed chunk passes through here, so unescaped runs are copied in bulk and
    /// escapes appended byte by byte (an array literal per escape allocated; a per-byte `append` checked
    /// uniqueness and capacity each time).
    package static func writeString(_ s: String, into out: inout [UInt8]) {
        // Borrowed where the bytes are contiguous (any native String, small ones copied to the stack): the
        // mutating `withUTF8` on a copy cost a retain, a release and a uniqueness check per string.
        let written: Void? = s.utf8.withContiguousStorageIfAvailable { writeEscaped($0, into: &out) }
        if written == nil {
            var s = s
            s.withUTF8 { writeEscaped($0, into: &out) }
        }
    }

    private static func writeEscaped(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        // No reserveCapacity here: it grows to exactly what is asked, so calling it per string would copy the
        // whole buffer again for every string of a chunk instead of growing geometrically.
        out.append(UInt8(ascii: "\""))
        var run = 0
        var i = nextEscape(in: bytes, from: 0)
        while i < bytes.count {
            if run < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<i])) }
            appendEscape(for: bytes[i], to: &out)
            run = i + 1
            i = nextEscape(in: bytes, from: run)
        }
        if run < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run...])) }
        out.append(UInt8(ascii: "\""))
    }

    /// The offset of the first byte at or after `start` that JSON must escape, or `bytes.count`. Text rarely
    /// has one, so eight bytes are ruled out at a time: byte by byte, the scan was the most of a string's cost.
    private static func nextEscape(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var i = start
        if let base = UnsafeRawPointer(bytes.baseAddress) {
            while i + 8 <= bytes.count,
                JSONStringBytes.escapeFlags(base.loadUnaligned(fromByteOffset: i, as: UInt64.self)) == 0
            {
                i += 8
            }
        }
        while i < bytes.count, !needsEscape(bytes[i]) { i += 1 }
        return i
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x22 || byte == 0x5C
    }

    private static func appendEscape(for byte: UInt8, to out: inout [UInt8]) {
        out.append(0x5C)
        switch byte {
        case 0x22, 0x5C: out.append(byte)
        case 0x0A: out.append(UInt8(ascii: "n"))
        case 0x0D: out.append(UInt8(ascii: "r"))
        case 0x09: out.append(UInt8(ascii: "t"))
        case 0x08: out.append(UInt8(ascii: "b"))
        case 0x0C: out.append(UInt8(ascii: "f"))
        default:
            out.append(UInt8(ascii: "u"))
            out.append(0x30)
            out.append(0x30)
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0xF)])
        }
    }
}

extension Array where Element == UInt8 {
    /// Appends the bytes of `literal`, a copy of memory: appending a String literal's `utf8` view took the
    /// generic sequence path, some 170 instructions for each piece of a rendered response or request frame.
    package mutating func append(literal: StaticString) {
        append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }
}
