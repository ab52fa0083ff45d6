/// A typed header value; the ten wire types of the event-stream format.
/// https://docs.aws.amazon.com/transcribe/latest/dg/streaming-setting-up.html#streaming-event-stream
///
/// `bool` covers two wire types (0 = true, 1 = false), which carry no value bytes.
package enum EventStreamHeaderValue: Equatable, Sendable {
    case bool(Bool)
    case byte(Int8)
    case int16(Int16)
    case int32(Int32)
    case int64(Int64)
    /// At most 65 535 bytes (u16 length prefix).
    case byteArray([UInt8])
    /// At most 65 535 UTF-8 bytes (u16 length prefix).
    case string(String)
    /// Milliseconds since the Unix epoch.
    case timestamp(Int64)
    /// Exactly 16 bytes, in wire order.
    case uuid([UInt8])
}

/// The one-byte type tags that precede each header value on the wire.
enum EventStreamHeaderType: UInt8 {
    case boolTrue = 0
    case boolFalse = 1
    case byte = 2
    case int16 = 3
    case int32 = 4
    case int64 = 5
    case byteArray = 6
    case string = 7
    case timestamp = 8
    case uuid = 9
}
