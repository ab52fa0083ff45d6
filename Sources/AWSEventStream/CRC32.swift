import CCRC32

/// CRC-32 as used by the event-stream prelude and message trailer: the IEEE 802.3 polynomial in its reflected form
/// (0xEDB88320), the same function as zlib's `crc32` and Python's `zlib.crc32`.
/// https://docs.aws.amazon.com/transcribe/latest/dg/streaming-setting-up.html#streaming-event-stream
///
/// The decoder runs this over every received byte: runs of 64 bytes or more are folded with carry-less
/// multiplication where the CPU has it (`CCRC32`, a few instructions per 16 bytes); the rest go eight bytes per
/// step through tables ("slicing-by-8", Intel's technique).
package enum CRC32 {
    /// The CRC-32 of `bytes`. `seed` is a previous result: `checksum(b, seed: checksum(a)) == checksum(a + b)`,
    /// which lets callers checksum a message in pieces (zlib's convention).
    package static func checksum<C: Collection>(_ bytes: C, seed: UInt32 = 0) -> UInt32 where C.Element == UInt8 {
        if let crc = bytes.withContiguousStorageIfAvailable({ checksum(UnsafeRawBufferPointer($0), seed: seed) }) {
            return crc
        }
        return Array(bytes).withUnsafeBytes { checksum($0, seed: seed) }
    }

    /// The CRC-32 of raw memory; same contract as the generic overload.
    package static func checksum(_ bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
        tables.withUnsafeBufferPointer { table in
            var crc = ~seed
            var offset = 0
            let count = bytes.count
            if count >= 64, foldAvailable, let base = bytes.baseAddress {
                offset = count & ~15
                crc = gw_crc32_fold(base.assumingMemoryBound(to: UInt8.self), offset, crc)
            }
            while count - offset >= 8 {
                let low = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) ^ crc
                let high = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self))
                crc =
                    table[7 &* 256 &+ Int(low & 0xFF)]
                    ^ table[6 &* 256 &+ Int((low >> 8) & 0xFF)]
                    ^ table[5 &* 256 &+ Int((low >> 16) & 0xFF)]
                    ^ table[4 &* 256 &+ Int(low >> 24)]
                    ^ table[3 &* 256 &+ Int(high & 0xFF)]
                    ^ table[2 &* 256 &+ Int((high >> 8) & 0xFF)]
                    ^ table[1 &* 256 &+ Int((high >> 16) & 0xFF)]
                    ^ table[Int(high >> 24)]
                offset &+= 8
            }
            while offset < count {
                crc = table[Int((crc ^ UInt32(bytes[offset])) & 0xFF)] ^ (crc >> 8)
                offset &+= 1
            }
            return ~crc
        }
    }

    private static let foldAvailable = gw_crc32_fold_available() != 0

    /// The table method alone, for checking the folding path against it.
    static func checksumWithTables(_ bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
        tables.withUnsafeBufferPointer { table in
            var crc = ~seed
            for byte in bytes {
                crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
            }
            return ~crc
        }
    }

    /// Eight 256-entry tables, flattened: table k maps a byte to its CRC contribution k bytes further back.
    private static let tables: [UInt32] = {
        var tables = [UInt32](repeating: 0, count: 8 * 256)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 {
                crc = (crc & 1) == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
            }
            tables[byte] = crc
        }
        for k in 1..<8 {
            for byte in 0..<256 {
                let previous = tables[(k - 1) * 256 + byte]
                tables[k * 256 + byte] = (previous >> 8) ^ tables[Int(previous & 0xFF)]
            }
        }
        return tables
    }()
}
