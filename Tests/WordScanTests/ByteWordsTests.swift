import TestSupport
import Testing

@testable import WordScan

/// The word tests must agree with a byte-by-byte loop: a word is flagged exactly when one of its bytes qualifies,
/// and the lowest flag sits on the first such byte, whatever the other seven bytes are.
@Suite struct ByteWordsTests {
    /// Bytes on each side of every boundary the gateway's callers draw (below 0x20 and 0x21, equal to CR, LF, `"`,
    /// `\`, DEL) and bytes with the high bit set, whose borrows are the tricky case.
    static let marks: [UInt8] = [
        0x00, 0x01, 0x09, 0x0A, 0x0D, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x7E, 0x7F, 0x80, 0x81, 0xA0,
        0xC3, 0xDF, 0xFE, 0xFF,
    ]
    static let bounds: [UInt8] = [0x01, 0x20, 0x21, 0x80]
    static let targets: [UInt8] = [0x00, 0x0A, 0x0D, 0x22, 0x5C, 0x7F, 0xFF]

    static func word(_ bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
    }

    /// The index of the lowest flagged byte, or nil.
    static func lowest(_ flags: UInt64) -> Int? {
        flags == 0 ? nil : flags.trailingZeroBitCount >> 3
    }

    static func check(_ bytes: [UInt8]) {
        let w = word(bytes)
        for n in bounds {
            #expect(lowest(ByteWords.flagsBelow(w, n)) == bytes.firstIndex { $0 < n }, "below \(n): \(bytes)")
        }
        for c in targets {
            #expect(lowest(ByteWords.flagsEqual(w, c)) == bytes.firstIndex(of: c), "equal \(c): \(bytes)")
            #expect(ByteWords.hasByte(w, c) == bytes.contains(c), "hasByte \(c): \(bytes)")
        }
        #expect(ByteWords.hasZeroByte(w) == bytes.contains(0), "hasZeroByte: \(bytes)")
    }

    @Test func everyMarkAtEveryPositionAmongEveryFiller() {
        // One mark in a word of another filler byte, then a second mark after the first: a borrow from the first
        // must not hide it, and the second must not move the lowest flag.
        for filler in Self.marks {
            for position in 0..<8 {
                for mark in Self.marks {
                    var bytes = [UInt8](repeating: filler, count: 8)
                    bytes[position] = mark
                    Self.check(bytes)
                    for later in (position + 1)..<8 {
                        for second in [UInt8(0x00), 0x20, 0x22, 0x7F, 0xFF] {
                            var two = bytes
                            two[later] = second
                            Self.check(two)
                        }
                    }
                }
            }
        }
    }

    @Test func randomWords() {
        var rng = SplitMix(seed: 0x5EED_B17E)
        for _ in 0..<20_000 {
            // Mostly marks, so the interesting bytes meet each other often.
            let bytes = (0..<8).map { _ in
                Bool.random(using: &rng)
                    ? Self.marks[Int.random(in: 0..<Self.marks.count, using: &rng)]
                    : UInt8.random(in: 0...255, using: &rng)
            }
            Self.check(bytes)
        }
    }

    @Test func firstFlaggedFindsTheWordOfTheFirstMarkAtEveryLength() {
        let flagged: (UInt64) -> Bool = { ByteWords.hasByte($0, 0x0A) }
        for count in 8...40 {
            let clean = [UInt8](repeating: UInt8(ascii: "a"), count: count)
            let none = clean.withUnsafeBytes { ByteWords.firstFlagged($0, flagged) }
            #expect(none == count)
            for at in 0..<count {
                var bytes = clean
                bytes[at] = 0x0A
                let found = bytes.withUnsafeBytes { ByteWords.firstFlagged($0, flagged) }
                // The word returned holds the byte, and no earlier word does: the caller walks on from there.
                #expect(found <= at && at < found + 8, "count \(count), mark at \(at): word at \(found)")
                #expect(found + 8 <= count)
                #expect(!bytes[..<found].contains(0x0A))
            }
        }
    }
}
