import AWSEventStream
import Testing

@Suite struct CRC32Tests {
    @Test func matchesTheStandardCheckValue() {
        // The "check" value of CRC-32/ISO-HDLC, as listed in Greg Cook's CRC catalogue.
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
        #expect(CRC32.checksum(Array("The quick brown fox jumps over the lazy dog".utf8)) == 0x414F_A339)
    }

    @Test func seedContinuesAChecksumAcrossPieces() {
        var generator = SeededGenerator(seed: 7)
        let bytes = generator.bytes(1000)
        let whole = CRC32.checksum(bytes)
        for split in [0, 1, 7, 8, 9, 500, 999, 1000] {
            let first = CRC32.checksum(bytes[..<split])
            #expect(CRC32.checksum(bytes[split...], seed: first) == whole, "split at \(split)")
        }
    }

    @Test func everyLengthAndAlignmentAgreesWithTheBytewiseDefinition() {
        var generator = SeededGenerator(seed: 8)
        let bytes = generator.bytes(80)
        for start in 0..<8 {
            for end in start...bytes.count {
                let slice = bytes[start..<end]
                #expect(CRC32.checksum(slice) == bitwiseCRC(slice))
                // A non-contiguous collection takes the copying path and must agree.
                #expect(CRC32.checksum(slice.lazy.map { $0 }) == bitwiseCRC(slice))
            }
        }
    }

    /// The textbook one-bit-at-a-time definition, independent of the table-driven implementation.
    private func bitwiseCRC(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 {
                crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
            }
        }
        return ~crc
    }
}
