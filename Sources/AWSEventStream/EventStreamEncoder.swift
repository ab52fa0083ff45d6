/// Writes event-stream frames: the SageMaker emulator's side of the wire, and the tests' source of round trips.
/// https://docs.aws.amazon.com/transcribe/latest/dg/streaming-setting-up.html#streaming-event-stream
package enum EventStreamEncoder {
    /// One complete frame for `message`.
    package static func encode(_ message: EventStreamMessage) -> [UInt8] {
        var out: [UInt8] = []
        encode(message, into: &out)
        return out
    }

    /// Appends one complete frame for `message` to `out`, so a writer can batch frames in one buffer.
    /// Traps on a message larger than 4 GiB or a header outside the format's size limits.
    package static func encode(_ message: EventStreamMessage, into out: inout [UInt8]) {
        var headersLength = 0
        for header in message.headers {
            headersLength += EventStreamHeaderCodec.encodedByteCount(of: header)
        }
        let totalLength = EventStreamPrelude.minimumMessageBytes + headersLength + message.payload.count
        precondition(totalLength <= Int(UInt32.max), "event-stream message of \(totalLength) bytes exceeds 4 GiB")

        let start = out.count
        out.reserveCapacity(start + totalLength)
        EventStreamHeaderCodec.appendBigEndian(UInt32(totalLength), to: &out)
        EventStreamHeaderCodec.appendBigEndian(UInt32(headersLength), to: &out)
        let preludeCRC = out.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[start...])) }
        EventStreamHeaderCodec.appendBigEndian(preludeCRC, to: &out)
        for header in message.headers {
            EventStreamHeaderCodec.write(header, into: &out)
        }
        out.append(contentsOf: message.payload)
        // The message CRC covers the prelude too; continue from the prelude's CRC instead of rereading it.
        let messageCRC = out.withUnsafeBytes {
            CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[(start + 8)...]), seed: preludeCRC)
        }
        EventStreamHeaderCodec.appendBigEndian(messageCRC, to: &out)
    }
}
