/// Scanning bytes eight at a time for bytes that are rare in them (control characters in a header, say), with the
/// word tests of "Bit Twiddling Hacks" (`JSONWriter` uses them too): byte by byte, such scans cost several
/// instructions a byte of every header on every request.
enum ByteWords {
    /// Every byte 0x01.
    static let ones: UInt64 = 0x0101_0101_0101_0101

    /// The offset of the first eight-byte word of `bytes` that `flagged` is true for, or `bytes.count` when none
    /// is. The last word overlaps the one before rather than leaving a tail to walk byte by byte. `bytes` holds at
    /// least eight.
    @inline(__always)
    static func firstFlagged(_ bytes: UnsafeRawBufferPointer, _ flagged: (UInt64) -> Bool) -> Int {
        precondition(bytes.count >= 8, "ByteWords.firstFlagged: fewer than eight bytes")
        var i = 0
        while i < bytes.count {
            let start = min(i, bytes.count - 8)
            if flagged(bytes.loadUnaligned(fromByteOffset: start, as: UInt64.self)) { return start }
            i = start + 8
        }
        return bytes.count
    }

    /// Whether one of the eight bytes in `word` is zero (exact).
    @inline(__always)
    static func hasZeroByte(_ word: UInt64) -> Bool {
        (word &- ones) & ~word & (ones &* 0x80) != 0
    }

    /// Whether one of the eight bytes in `word` is `byte` (exact).
    @inline(__always)
    static func hasByte(_ word: UInt64, _ byte: UInt8) -> Bool {
        hasZeroByte(word ^ (ones &* UInt64(byte)))
    }
}
