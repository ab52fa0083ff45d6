import Testing

@testable import AWSEventStream

/// The carry-less-multiplication path (runs of 64 bytes and more) against the table method, over every length that
/// changes how the input is split between the two, at every alignment, with seeds.
@Suite struct CRC32FoldTests {
    @Test func foldedChecksumsMatchTheTables() {
        var generator = SeededGenerator(seed: 21)
        let bytes = generator.bytes(1200)
        var mismatches: [String] = []
        bytes.withUnsafeBytes { all in
            for start in 0..<16 {
                for length in 0...(all.count - start) where length < 300 || length % 7 == 0 {
                    let piece = UnsafeRawBufferPointer(rebasing: all[start..<start + length])
                    let seed = UInt32(truncatingIfNeeded: generator.next())
                    for seed in [0, seed]
                    where CRC32.checksum(piece, seed: seed) != CRC32.checksumWithTables(piece, seed: seed) {
                        mismatches.append("start \(start) length \(length) seed \(seed)")
                    }
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test func allOnesAndZerosBlocks() {
        for byte: UInt8 in [0x00, 0xFF] {
            for length in [64, 80, 128, 4096] {
                let bytes = [UInt8](repeating: byte, count: length)
                let folded = bytes.withUnsafeBytes { CRC32.checksum($0) }
                let tables = bytes.withUnsafeBytes { CRC32.checksumWithTables($0) }
                #expect(folded == tables, "\(byte) x \(length)")
            }
        }
    }
}
