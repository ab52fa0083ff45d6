/// Splits a byte stream of `application/vnd.amazon.eventstream` into messages, in the shape of SwiftNIO's
/// `SingleStepByteToMessageDecoder`: ``append(_:)`` what arrives, then call ``decode()`` until it returns `nil`.
/// https://docs.aws.amazon.com/transcribe/latest/dg/streaming-setting-up.html#streaming-event-stream
///
/// A frame is consumed only once it is complete and both CRCs match, so `nil` never loses bytes. The first error is
/// final: later calls to ``decode()`` throw it again and ``append(_:)`` drops its input, because after a bad frame the
/// stream has no trustworthy boundary to resynchronise on.
///
/// Consumed bytes are not removed one frame at a time: a read index moves forward, and on the next append the buffer
/// is emptied (keeping its capacity) if everything has been read, and otherwise compacted only when the consumed
/// prefix is at least as large as what is left, so each byte is copied O(1) times.
package struct EventStreamDecoder {
    /// Frames announcing more bytes than this are rejected as soon as their prelude arrives.
    package let maxMessageBytes: Int
    /// Frames announcing a headers section larger than this are rejected as soon as their prelude arrives.
    package let maxHeaderBytes: Int

    private var buffer: [UInt8] = []
    private var readIndex = 0
    private var failure: EventStreamError?
    /// The last headers section validated and what it held. A service sends the same few headers on every event
    /// (SageMaker: `:event-type`, `:content-type`, `:message-type`), and validating identical bytes again can only
    /// give the same answer, so a byte comparison replaces it.
    private var lastHeaders: (bytes: [UInt8], types: EventStreamHeaderCodec.TypeHeaders)?
    /// Sections longer than this are not remembered: not the repeated-event case, and not worth the copy.
    private static let rememberedHeaderBytes = 256

    /// The defaults are the limits AWS SDKs apply (16 MiB per message, 128 KiB of headers).
    package init(maxMessageBytes: Int = 16 << 20, maxHeaderBytes: Int = 128 << 10) {
        self.maxMessageBytes = maxMessageBytes
        self.maxHeaderBytes = maxHeaderBytes
    }

    /// Bytes received but not yet returned as part of a message.
    package var bufferedByteCount: Int { buffer.count - readIndex }

    package mutating func append<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        appendBytes(bytes)
    }

    /// The same for borrowed memory (curl's buffer), with its own entry point: the generic one called across
    /// modules goes through witness tables and generic metadata on every chunk, while this one calls the
    /// private generic body with a type known here, so the compiler specialises it.
    package mutating func append(_ bytes: UnsafeRawBufferPointer) {
        appendBytes(bytes)
    }

    private mutating func appendBytes<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        guard failure == nil else { return }
        if readIndex > 0, readIndex == buffer.count {
            // All read (the usual case between frames): one refill instead of emptying, then appending.
            buffer.replaceSubrange(0..<readIndex, with: bytes)
            readIndex = 0
            return
        }
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// As the generic `append`, but when nothing is pending the array itself becomes the buffer: the frames a read
    /// delivered whole are then decoded where they arrived, without a copy.
    package mutating func append(_ bytes: [UInt8]) {
        guard failure == nil else { return }
        compact()
        if buffer.isEmpty {
            buffer = bytes
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    /// Drops consumed bytes. Done on the way in rather than right after a frame is decoded, because an
    /// ``EventStreamFrame`` still holding the buffer would turn that into a copy.
    private mutating func compact() {
        if readIndex == buffer.count {
            if readIndex > 0 {
                buffer.removeAll(keepingCapacity: true)
                readIndex = 0
            }
        } else if readIndex > 0 && readIndex >= buffer.count - readIndex {
            buffer.removeSubrange(0..<readIndex)
            readIndex = 0
        }
    }

    /// The next complete message, or `nil` when more bytes are needed.
    package mutating func decode() throws(EventStreamError) -> EventStreamMessage? {
        try decodeFrame()?.message
    }

    /// The next complete message left in the bytes it arrived in, or `nil` when more bytes are needed: the same
    /// checks and errors as ``decode()``, for callers that read a few headers by their bytes.
    package mutating func decodeFrame() throws(EventStreamError) -> EventStreamFrame? {
        if let failure { throw failure }
        let start = readIndex
        let limits = (message: maxMessageBytes, headers: maxHeaderBytes)
        let remembered = lastHeaders
        let result = buffer.withUnsafeBytes {
            all -> Result<(EventStreamPrelude, EventStreamHeaderCodec.TypeHeaders, Bool)?, EventStreamError> in
            do throws(EventStreamError) {
                return .success(
                    try Self.checkFrame(
                        UnsafeRawBufferPointer(rebasing: all[start...]),
                        maxMessageBytes: limits.message,
                        maxHeaderBytes: limits.headers,
                        remembered: remembered
                    ))
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success(nil):
            return nil
        case .success(let (prelude, types, reused)?):
            readIndex += prelude.totalLength
            let headersStart = start + prelude.headersStart
            if !reused, prelude.headersLength <= Self.rememberedHeaderBytes {
                lastHeaders = (Array(buffer[headersStart..<start + prelude.payloadStart]), types)
            }
            return EventStreamFrame(
                storage: buffer,
                headers: headersStart..<start + prelude.payloadStart,
                payload: start + prelude.payloadStart..<start + prelude.payloadEnd,
                messageType: types.messageType.map { $0.lowerBound + headersStart..<$0.upperBound + headersStart },
                eventType: types.eventType.map { $0.lowerBound + headersStart..<$0.upperBound + headersStart }
            )
        case .failure(let error):
            failure = error
            buffer = []
            readIndex = 0
            throw error
        }
    }

    /// Checks the frame at the start of `bytes` (prelude, both CRCs, headers section), returning its prelude, where
    /// its type headers are and whether that came from `remembered`, or `nil` if it is not all there yet.
    private static func checkFrame(
        _ bytes: UnsafeRawBufferPointer,
        maxMessageBytes: Int,
        maxHeaderBytes: Int,
        remembered: (bytes: [UInt8], types: EventStreamHeaderCodec.TypeHeaders)?
    ) throws(EventStreamError) -> (EventStreamPrelude, EventStreamHeaderCodec.TypeHeaders, Bool)? {
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

        let section = UnsafeRawBufferPointer(rebasing: bytes[prelude.headersStart..<prelude.payloadStart])
        if let remembered,
            remembered.bytes.withUnsafeBytes({
                $0.count == section.count && EventStreamHeaderCodec.equal(section, at: 0, $0)
            })
        {
            return (prelude, remembered.types, true)
        }
        return (prelude, try EventStreamHeaderCodec.validate(section), false)
    }
}
