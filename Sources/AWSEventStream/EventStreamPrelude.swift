/// The fixed 12-byte start of every message: total length, headers length (both u32 big-endian) and the CRC-32 of
/// those 8 bytes. Checking that CRC before believing either length is what keeps a corrupt or hostile stream from
/// making the decoder wait for, or allocate, gigabytes.
/// https://docs.aws.amazon.com/transcribe/latest/dg/streaming-setting-up.html#streaming-event-stream
struct EventStreamPrelude {
    /// Prelude (12) plus message CRC (4): the size of a message with no headers and no payload.
    static let byteCount = 12
    static let minimumMessageBytes = 16

    let totalLength: Int
    let headersLength: Int
    /// The CRC of the first 8 bytes, which is also the running CRC the message checksum continues from.
    let crc: UInt32

    var headersStart: Int { Self.byteCount }
    var payloadStart: Int { Self.byteCount + headersLength }
    var payloadEnd: Int { totalLength - 4 }

    /// Validates the prelude at the start of `bytes`, which must hold at least ``byteCount`` bytes.
    init(
        validating bytes: UnsafeRawBufferPointer,
        maxMessageBytes: Int,
        maxHeaderBytes: Int
    ) throws(EventStreamError) {
        let announcedCRC = UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        let computedCRC = CRC32.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<8]))
        guard announcedCRC == computedCRC else {
            throw .preludeChecksumMismatch(expected: announcedCRC, actual: computedCRC)
        }
        let total = Int(UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self)))
        let headers = Int(UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: 4, as: UInt32.self)))
        guard total >= Self.minimumMessageBytes else {
            throw .invalidLength("total length \(total) is below the 16-byte minimum")
        }
        guard total <= maxMessageBytes else { throw .messageTooLarge(total) }
        guard headers <= maxHeaderBytes else { throw .headersTooLarge(headers) }
        guard headers <= total - Self.minimumMessageBytes else {
            throw .invalidLength("headers length \(headers) does not fit in total length \(total)")
        }
        self.totalLength = total
        self.headersLength = headers
        self.crc = computedCRC
    }
}
