import WordScan

/// Eight-bytes-at-a-time tests for the bytes that end a plain run inside a JSON string, shared by the writer (which
/// escapes them), the parser and the translator's chunk reader (which stop at them). Byte by byte, these scans cost
/// several instructions a byte of every string of every streamed chunk. The word tests are `ByteWords`'.
package enum JSONStringBytes {
    /// The high bit of the lowest byte of `word` (little-endian: the first in memory) that JSON must escape in a
    /// string (a control character, `"` or `\`) is set, and none below it; zero when there is none.
    @inlinable
    package static func escapeFlags(_ word: UInt64) -> UInt64 {
        ByteWords.flagsBelow(word, 0x20) | ByteWords.flagsEqual(word, 0x22) | ByteWords.flagsEqual(word, 0x5C)
    }

    /// The offset of the first byte at or after `start` that is `"`, `\`, a control character or not ASCII, or
    /// `bytes.count` when there is none: where a string's run of plain ASCII ends.
    @inlinable
    package static func plainASCIIEnd(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var i = start
        if let base = UnsafeRawPointer(bytes.baseAddress) {
            while bytes.count - i >= 8 {
                let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                let flags = escapeFlags(word) | word & ByteWords.highs
                if flags != 0 { return i + flags.trailingZeroBitCount >> 3 }
                i += 8
            }
        }
        while i < bytes.count {
            let b = bytes[i]
            // 0x20...0x7F in one unsigned compare.
            guard b &- 0x20 < 0x60, b != UInt8(ascii: "\""), b != UInt8(ascii: "\\") else { return i }
            i += 1
        }
        return i
    }

    /// The offset of the first byte at or after `start` that is `"`, `\` or a control character, or `bytes.count`
    /// when there is none; `nonASCII` is set when a byte before it is not ASCII (and left alone otherwise), so
    /// text in other scripts is stepped over a word at a time too.
    @inlinable
    package static func escapeEnd(in bytes: UnsafeBufferPointer<UInt8>, from start: Int, nonASCII: inout Bool) -> Int {
        let highs = ByteWords.highs
        var i = start
        if let base = UnsafeRawPointer(bytes.baseAddress) {
            var seen: UInt64 = 0
            while bytes.count - i >= 8 {
                let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                let flags = escapeFlags(word)
                if flags != 0 {
                    // Only the bytes before the flagged one: every bit below its flag.
                    seen |= word & highs & ((flags & (~flags &+ 1)) &- 1)
                    if seen != 0 { nonASCII = true }
                    return i + flags.trailingZeroBitCount >> 3
                }
                seen |= word & highs
                i += 8
            }
            if seen != 0 { nonASCII = true }
        }
        while i < bytes.count {
            let b = bytes[i]
            guard b >= 0x20, b != UInt8(ascii: "\""), b != UInt8(ascii: "\\") else { return i }
            if b >= 0x80 { nonASCII = true }
            i += 1
        }
        return i
    }
}
