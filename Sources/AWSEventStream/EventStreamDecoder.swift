/// Splits a byte stream of `application/vnd.amazon.eventstream` into messages, in the shape of SwiftNIO's
/// `SingleStepByteToMessageDecoder`: ``append(_:)`` what arrives, then call ``decode()`` until it returns `nil`.
/// https://docs.aws.amazon.com/transcribe/latest/dg/streaming-setting-up.html#streaming-event-stream
///
/// A frame is consumed only once it is complete and both CRCs match, so `nil` never loses bytes. The first error is
/// final: later calls to ``decode()`` throw it again and ``append(_:)`` drops its input, because after a bad frame the
/// stream has no trustworthy boundary to resynchronise on.
///
/// Consumed bytes are not removed one frame at a time: a read index moves forward, the buffer is emptied (keeping its
/// capacity) whenever everything has been read, and otherwise compacted only when the consumed prefix is at least as
/// large as what is left, so each byte is copied O(1) times.
package struct EventStreamDecoder {
    /// Frames announcing more bytes than this are rejected as soon as their prelude arrives.
    package let maxMessageBytes: Int
    /// Frames announcing a headers section larger than this are rejected as soon as their prelude arrives.
    package let maxHeaderBytes: Int

    private var buffer: [UInt8] = []
    private var readIndex = 0
    private var failure: EventStreamError?

    /// The defaults are the limits AWS SDKs apply (16 MiB per message, 128 KiB of headers).
    package init(maxMessageBytes: Int = 16 << 20, maxHeaderBytes: Int = 128 << 10) {
        self.maxMessageBytes = maxMessageBytes
        self.maxHeaderBytes = maxHeaderBytes
    }

    /// Bytes received but not yet returned as part of a message.
    package var bufferedByteCount: Int { buffer.count - readIndex }

    package mutating func append<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        guard failure == nil else { return }
        if readIndex > 0 && readIndex >= buffer.count - readIndex {
            buffer.removeSubrange(0..<readIndex)
            readIndex = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete message, or `nil` when more bytes are needed.
    package mutating func decode() throws(EventStreamError) -> EventStreamMessage? {
        if let failure { throw failure }
        let start = readIndex
        let limits = (message: maxMessageBytes, headers: maxHeaderBytes)
        let result = buffer.withUnsafeBytes { all -> Result<(EventStreamMessage, Int)?, EventStreamError> in
            do throws(EventStreamError) {
                return .success(
                    try Self.decodeFrame(
                        UnsafeRawBufferPointer(rebasing: all[start...]),
                        maxMessageBytes: limits.message,
                        maxHeaderBytes: limits.headers
                    ))
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success(nil):
            return nil
        case .success(let (message, length)?):
            readIndex += length
            if readIndex == buffer.count {
                buffer.removeAll(keepingCapacity: true)
                readIndex = 0
            }
            return message
        case .failure(let error):
            failure = error
            buffer = []
            readIndex = 0
            throw error
        }
    }

    /// Decodes the frame at the start of `bytes`, returning it with its length, or `nil` if it is not all there yet.
    private static func decodeFrame(
        _ bytes: UnsafeRawBufferPointer,
        maxMessageBytes: Int,
        maxHeaderBytes: Int
    ) throws(EventStreamError) -> (EventStreamMessage, Int)? {
        guard bytes.count >= EventStreamPrelude.byteCount else { return nil }
        let prelude = try EventStreamPrelude(
            validating: bytes,
            maxMessageBytes: maxMessageBytes,
            maxHeaderBytes: maxHeaderBytes
        )
        guard bytes.count >= prelude.totalLength else { return nil }

        // The message CRC covers everything before it, prelude included; continue from the prelude's CRC.
        let announcedCRC = UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: prelude.payloadEnd, as: UInt32.self))
        let computedCRC = CRC32.checksum(
            UnsafeRawBufferPointer(rebasing: bytes[8..<prelude.payloadEnd]),
            seed: prelude.crc
        )
        guard announcedCRC == computedCRC else {
            throw .messageChecksumMismatch(expected: announcedCRC, actual: computedCRC)
        }

        let headers = try EventStreamHeaderCodec.parse(
            UnsafeRawBufferPointer(rebasing: bytes[prelude.headersStart..<prelude.payloadStart])
        )
        let payload = [UInt8](UnsafeRawBufferPointer(rebasing: bytes[prelude.payloadStart..<prelude.payloadEnd]))
        return (EventStreamMessage(headers: headers, payload: payload), prelude.totalLength)
    }
}
