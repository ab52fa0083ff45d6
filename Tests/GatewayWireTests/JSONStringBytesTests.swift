import TestSupport
import Testing

@testable import GatewayWire

/// The word-at-a-time scans must stop exactly where a byte-by-byte loop stops, wherever in a word (or in the tail
/// shorter than a word) the stopping byte falls, and whatever follows it in the same word.
@Suite struct JSONStringBytesTests {
    /// Bytes on each side of every boundary the word tests draw: controls, space, the quote and backslash and
    /// their neighbours, DEL, and bytes with the high bit set.
    static let marks: [UInt8] = [
        0x00, 0x01, 0x09, 0x0A, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x7E, 0x7F, 0x80, 0x9F, 0xA0, 0xA2,
        0xC3, 0xDC, 0xE2, 0xFF,
    ]

    static func isPlainASCII(_ b: UInt8) -> Bool { b >= 0x20 && b < 0x80 && b != 0x22 && b != 0x5C }
    static func needsEscape(_ b: UInt8) -> Bool { b < 0x20 || b == 0x22 || b == 0x5C }

    static func naivePlainASCIIEnd(_ bytes: [UInt8], from start: Int) -> Int {
        var i = start
        while i < bytes.count, isPlainASCII(bytes[i]) { i += 1 }
        return i
    }

    static func naiveEscapeEnd(_ bytes: [UInt8], from start: Int) -> (end: Int, nonASCII: Bool) {
        var i = start
        var nonASCII = false
        while i < bytes.count, !needsEscape(bytes[i]) {
            if bytes[i] >= 0x80 { nonASCII = true }
            i += 1
        }
        return (i, nonASCII)
    }

    static func check(_ bytes: [UInt8], from start: Int) {
        bytes.withUnsafeBufferPointer { buffer in
            #expect(
                JSONStringBytes.plainASCIIEnd(in: buffer, from: start) == naivePlainASCIIEnd(bytes, from: start),
                "plainASCIIEnd \(bytes) from \(start)")
            var nonASCII = false
            let end = JSONStringBytes.escapeEnd(in: buffer, from: start, nonASCII: &nonASCII)
            let expected = naiveEscapeEnd(bytes, from: start)
            #expect(end == expected.end && nonASCII == expected.nonASCII, "escapeEnd \(bytes) from \(start)")
        }
    }

    /// Each mark at every offset of plain text of every length up to three words, scanned from every start,
    /// with a second mark (or none) after it so a borrow from the first cannot hide or fake the second.
    @Test func markAtEveryOffset() {
        for length in 1...24 {
            for position in 0..<length {
                for mark in Self.marks {
                    for after in [nil, UInt8(0x00), 0x22, 0x80] as [UInt8?] {
                        var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                        bytes[position] = mark
                        if let after, position + 1 < length { bytes[position + 1] = after }
                        for start in 0...length { Self.check(bytes, from: start) }
                    }
                }
            }
        }
    }

    /// A byte with the high bit set before the stop, in the same word or an earlier one, sets `nonASCII`;
    /// one after it does not.
    @Test func nonASCIIBeforeAndAfterTheStop() {
        for length in 2...24 {
            for stop in 0..<length {
                for other in 0..<length where other != stop {
                    var bytes = [UInt8](repeating: UInt8(ascii: "b"), count: length)
                    bytes[stop] = 0x22
                    bytes[other] = 0xC3
                    Self.check(bytes, from: 0)
                }
            }
        }
    }

    @Test func randomBytes() {
        var random = SplitMix(seed: 0x4A53_4F4E)
        for _ in 0..<2000 {
            let length = Int.random(in: 0...40, using: &random)
            // Mostly plain text, so the stops are sparse enough for whole words to pass.
            let bytes = (0..<length).map { _ -> UInt8 in
                Int.random(in: 0..<8, using: &random) == 0
                    ? Self.marks.randomElement(using: &random) ?? 0
                    : UInt8.random(in: 0x20...0x7E, using: &random)
            }
            for start in 0...length { Self.check(bytes, from: start) }
        }
    }

    /// `escapeFlags` flags a word exactly when a byte in it needs escaping, and its lowest flag is that byte's.
    @Test func escapeFlagsLowestIsExact() {
        var random = SplitMix(seed: 0x4553_4341_5045)
        for _ in 0..<20000 {
            let bytes = (0..<8).map { _ -> UInt8 in
                Int.random(in: 0..<4, using: &random) == 0
                    ? Self.marks.randomElement(using: &random) ?? 0 : UInt8.random(in: 0...255, using: &random)
            }
            let word = bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
            let flags = JSONStringBytes.escapeFlags(word)
            if let first = bytes.firstIndex(where: Self.needsEscape) {
                #expect(flags != 0 && flags.trailingZeroBitCount >> 3 == first, "\(bytes)")
            } else {
                #expect(flags == 0, "\(bytes)")
            }
        }
    }

    /// An empty buffer (no base address) and a start at the end.
    @Test func emptyAndAtEnd() {
        Self.check([], from: 0)
        Self.check(Array("abc".utf8), from: 3)
    }
}
