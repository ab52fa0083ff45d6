/// Scanning bytes eight at a time for bytes that are rare in them (a control character in a header, a quote in a
/// JSON string, whitespace in a signed header value): byte by byte, such scans cost several instructions a byte
/// of every header and every streamed string. One module, so the shim's header checks, the JSON codecs and SigV4
/// share one set of word tests and one set of tests for them.
///
/// The tests are the classic ones from "Bit Twiddling Hacks": a byte below `n` leaves its high bit set in
/// `word - n…` where it was clear in `word`; a byte equal to `c` is a zero in `word ^ c…`. A borrow can flag a
/// byte above a flagged one falsely, never one below, so a word is flagged exactly when one of its bytes is, and
/// the lowest flag (little-endian: the first byte in memory) is exact.
///
/// `public`, where the rest of the package says `package`: Swift 6.3 left `@inlinable package` functions as calls
/// from other modules (each word test a call, about 1,200 instructions more a streamed chunk under callgrind);
/// `@inlinable public` ones are inlined.
public enum ByteWords {
    /// Every byte 0x01.
    @inlinable public static var ones: UInt64 { 0x0101_0101_0101_0101 }

    /// Every byte 0x80.
    @inlinable public static var highs: UInt64 { 0x8080_8080_8080_8080 }

    /// The high bit of each byte of `word` below `n` (at most 0x80), and possibly of bytes above the lowest one.
    @inlinable @inline(__always)
    public static func flagsBelow(_ word: UInt64, _ n: UInt8) -> UInt64 {
        (word &- ones &* UInt64(n)) & ~word & highs
    }

    /// The high bit of each byte of `word` equal to `byte`, and possibly of bytes above the lowest one.
    @inlinable @inline(__always)
    public static func flagsEqual(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        flagsBelow(word ^ (ones &* UInt64(byte)), 1)
    }

    /// Whether one of the eight bytes in `word` is zero (exact).
    @inlinable @inline(__always)
    public static func hasZeroByte(_ word: UInt64) -> Bool {
        flagsBelow(word, 1) != 0
    }

    /// Whether one of the eight bytes in `word` is `byte` (exact).
    @inlinable @inline(__always)
    public static func hasByte(_ word: UInt64, _ byte: UInt8) -> Bool {
        flagsEqual(word, byte) != 0
    }

    /// The offset of the first eight-byte word of `bytes` that `flagged` is true for, or `bytes.count` when none
    /// is. The last word overlaps the one before rather than leaving a tail to walk byte by byte. `bytes` holds at
    /// least eight.
    @inlinable @inline(__always)
    public static func firstFlagged(_ bytes: UnsafeRawBufferPointer, _ flagged: (UInt64) -> Bool) -> Int {
        precondition(bytes.count >= 8, "ByteWords.firstFlagged: fewer than eight bytes")
        var i = 0
        while i < bytes.count {
            let start = min(i, bytes.count - 8)
            if flagged(UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: start, as: UInt64.self))) {
                return start
            }
            i = start + 8
        }
        return bytes.count
    }
}
