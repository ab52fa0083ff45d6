/// Why a byte stream is not a valid event stream. Every case is fatal to the stream: once a frame is bad the
/// boundaries of the following ones cannot be trusted.
package enum EventStreamError: Error, Equatable {
    /// `expected` is the CRC carried in the frame, `actual` the one computed over the received bytes.
    case preludeChecksumMismatch(expected: UInt32, actual: UInt32)
    /// `expected` is the CRC carried in the frame, `actual` the one computed over the received bytes.
    case messageChecksumMismatch(expected: UInt32, actual: UInt32)
    /// The prelude announces a message of this many bytes, more than the decoder accepts.
    case messageTooLarge(Int)
    /// The prelude announces this many header bytes, more than the decoder accepts.
    case headersTooLarge(Int)
    /// The prelude's lengths are inconsistent.
    case invalidLength(String)
    /// The headers section is malformed.
    case invalidHeader(String)
}
