/// One line of a response's header block as curl's header callback hands it over (line break included), read in
/// place with plain index loops: the slice operations this was written with (`starts(with:)`, `firstIndex`,
/// `dropFirst` on a `Slice` of the buffer) cost more per line than making its two strings.
enum ResponseHeaderLine: Equatable {
    /// `HTTP/1.1 200 OK`: the second field, 0 when it is not a number of at most 18 digits.
    case status(Int)
    /// The empty line that ends a block.
    case end
    /// `name: value`: the value without its leading blanks; all trailing CR and LF are dropped from the line.
    case field(name: String, value: String)
    /// Any other line (no colon): not a header.
    case other

    init(_ bytes: UnsafeRawBufferPointer) {
        switch Self.kind(of: bytes) {
        case .status(let code): self = .status(code)
        case .end: self = .end
        case .other: self = .other
        case .field(let end):
            // `kind` found the colon before `end`.
            let colon = Self.firstIndex(of: UInt8(ascii: ":"), in: bytes, from: 0, to: end) ?? end
            var start = colon + 1
            while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
            self = .field(
                name: String(decoding: UnsafeRawBufferPointer(rebasing: bytes[..<colon]), as: UTF8.self),
                value: String(decoding: UnsafeRawBufferPointer(rebasing: bytes[min(start, end)..<end]), as: UTF8.self))
        }
    }

    /// What a line is, without decoding a field's strings.
    enum Kind: Equatable {
        case status(Int)
        case end
        /// A field, `length` bytes long without the line break.
        case field(length: Int)
        case other
    }

    static func kind(of bytes: UnsafeRawBufferPointer) -> Kind {
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D { end -= 1 }
        if end == 0 { return .end }
        if startsWithHTTP(bytes, end: end) { return .status(statusCode(bytes, end: end)) }
        if firstIndex(of: UInt8(ascii: ":"), in: bytes, from: 0, to: end) != nil { return .field(length: end) }
        return .other
    }

    private static func startsWithHTTP(_ bytes: UnsafeRawBufferPointer, end: Int) -> Bool {
        end >= 5 && bytes[0] == UInt8(ascii: "H") && bytes[1] == UInt8(ascii: "T") && bytes[2] == UInt8(ascii: "T")
            && bytes[3] == UInt8(ascii: "P") && bytes[4] == UInt8(ascii: "/")
    }

    private static func firstIndex(of byte: UInt8, in bytes: UnsafeRawBufferPointer, from: Int, to end: Int) -> Int? {
        var index = from
        while index < end {
            if bytes[index] == byte { return index }
            index += 1
        }
        return nil
    }

    /// The field after the first space (further spaces skipped), up to the next space or the end of the line.
    private static func statusCode(_ bytes: UnsafeRawBufferPointer, end: Int) -> Int {
        guard var index = firstIndex(of: 0x20, in: bytes, from: 0, to: end) else { return 0 }
        while index < end, bytes[index] == 0x20 { index += 1 }
        var code = 0
        var digits = 0
        while index < end, bytes[index] != 0x20 {
            let byte = bytes[index]
            guard (0x30...0x39).contains(byte), digits < 18 else { return 0 }
            code = code * 10 + Int(byte - 0x30)
            digits += 1
            index += 1
        }
        return digits > 0 ? code : 0
    }
}
