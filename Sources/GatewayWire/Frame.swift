/// The Unix-socket frame both executables speak (docs/protocol.md):
///
///     length: UInt32 big-endian (bytes after this field) | version: UInt8 (= 2) | kind: UInt8
///     | stream: UInt32 big-endian | payload
///
/// One long-lived connection carries many exchanges at once; `stream` says which one a frame belongs
/// to (the shim picks it, never 0; 0 is the connection itself, for heartbeats). Version 1 had one
/// connection per request and no stream field.
package struct Frame: Equatable, Sendable {
    package enum Kind: UInt8, Sendable {
        case request = 1
        case accepted = 2
        case event = 3
        case error = 4
        case end = 5
        case models = 6
        case health = 7
        /// Added with `/v1/embeddings`; a peer that predates it never asks for embeddings.
        case embeddings = 8
        /// Translator → shim on stream 0, empty, every `Frame.heartbeatInterval`: "this translator is
        /// alive", so the shim can tell a slow model from a hung translator. On a request's stream it is
        /// the acknowledgement, sent as soon as the request frame is read.
        case heartbeat = 9
        /// Translator → shim: the translator's metric families, for the shim's `METRICS_PORT` page.
        case metrics = 10
        /// Shim → translator, empty: the client went away; stop the work, send nothing more for the stream.
        case cancel = 11
        /// Shim → translator, a UInt32 big-endian byte count: the shim has passed that many more bytes of
        /// the stream's frames on to its client, so the translator may send that many more. The connection
        /// itself is never paused, so one slow client cannot hold up the others (`Frame.streamWindow`).
        case credit = 12
    }

    /// Bytes of frames the translator may send on a stream beyond what the shim has credited back: what
    /// one stream can have in flight toward a slow client, whatever the translator and shim do meanwhile.
    /// Small, because the shim's SSE is about ten times the binary events it renders (a 22-byte token
    /// frame becomes a 200-byte chunk): 32 KiB of frames is some 300 KiB of SSE waiting for a slow client.
    package static let streamWindow = 32 << 10

    /// The payload of a `credit` frame.
    package static func credit(_ bytes: Int, stream: UInt32) -> Frame {
        var payload: [UInt8] = []
        appendUInt32(UInt32(clamping: bytes), to: &payload)
        return Frame(kind: .credit, stream: stream, payload: payload)
    }

    /// The byte count of a `credit` frame; nil when the payload is not four bytes.
    package var creditBytes: Int? {
        guard kind == .credit, payload.count == 4 else { return nil }
        return Int(payload[0]) << 24 | Int(payload[1]) << 16 | Int(payload[2]) << 8 | Int(payload[3])
    }

    /// Seconds between heartbeats.
    package static let heartbeatInterval = 2.0

    /// Seconds the translator waits for a request's first frame, which acknowledges it, before it
    /// acknowledges the request with a heartbeat on its stream instead.
    package static let acknowledgementDelay = 0.05

    package static let version: UInt8 = 2
    /// Bytes of header after the length field: version, kind, stream.
    package static let headerLength = 6
    /// No frame is longer: a longer length field means the byte stream is not ours (or lost its place).
    package static let maxLength = 64 << 20

    package var kind: Kind
    package var stream: UInt32
    package var payload: [UInt8]

    package init(kind: Kind, stream: UInt32 = 0, payload: [UInt8]) {
        self.kind = kind
        self.stream = stream
        self.payload = payload
    }

    package func encoded() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(payload.count + 4 + Frame.headerLength)
        Frame.append(kind: kind, stream: stream, to: &out) { $0.append(contentsOf: payload) }
        return out
    }

    /// Appends one frame to `out`, the payload written in place by `payload`, so a hot path builds the
    /// frame in one buffer instead of a payload array and then a copy of it.
    package static func append(
        kind: Kind, stream: UInt32, to out: inout [UInt8], payload: (inout [UInt8]) -> Void
    ) {
        let start = out.count
        // The ten header bytes put together on the stack and appended at once, the length patched in once the
        // payload is written: field by field, each append paid its own uniqueness and capacity checks (a token's
        // frame is mostly header), and an array literal allocated an array per frame.
        var header: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &header) { raw in
            raw[4] = version
            raw[5] = kind.rawValue
            raw.storeBytes(of: stream.bigEndian, toByteOffset: 6, as: UInt32.self)
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[..<(4 + headerLength)]))
        }
        payload(&out)
        let length = UInt32(truncatingIfNeeded: out.count - start - 4)
        out.withUnsafeMutableBytes { $0.storeBytes(of: length.bigEndian, toByteOffset: start, as: UInt32.self) }
    }

    package static func appendUInt32(_ value: UInt32, to out: inout [UInt8]) {
        out.append(UInt8(truncatingIfNeeded: value >> 24))
        out.append(UInt8(truncatingIfNeeded: value >> 16))
        out.append(UInt8(truncatingIfNeeded: value >> 8))
        out.append(UInt8(truncatingIfNeeded: value))
    }
}

package enum FrameError: Error, Equatable {
    case unsupportedVersion(UInt8)
    case unknownKind(UInt8)
    case invalidLength(Int)
    case invalidPayload(String)
    /// A well-formed frame longer than this reader accepts: its bytes are skipped as they arrive and the
    /// decoder goes on with the next frame, so the peer can be answered on that stream alone.
    case tooLarge(stream: UInt32, kind: Frame.Kind, length: Int)
}

/// Single-step frame decoder: `nil` means more bytes are needed; a partial frame is never consumed.
/// After `tooLarge` it stays usable; after any other error the byte stream has lost its place.
package struct FrameDecoder {
    /// Internal for `message(_:)` (WireCoding+Events.swift), which decodes events in place. Its bytes from `end` on
    /// are spare room: the array is never shortened, because every way of shortening one (emptying it after each
    /// read, dropping what was decoded) replaced a range through the generic path, some 100 instructions a read.
    var buffer: [UInt8] = []
    /// Where the bytes received end in `buffer`.
    private var end = 0
    private var readIndex = 0
    /// Bytes of a refused frame still to be dropped as they arrive.
    private var skipping = 0
    private let maxLength: Int

    /// `maxLength` (at most `Frame.maxLength`) bounds the frames this reader takes whole.
    package init(maxLength: Int = Frame.maxLength) {
        self.maxLength = min(maxLength, Frame.maxLength)
    }

    package var bufferedByteCount: Int { end - readIndex }

    /// Whether a frame has begun but not yet been decoded whole (or skipped): the reader's deadline runs.
    package var isMidFrame: Bool { skipping > 0 || end > readIndex }

    /// `append` for bytes in memory (a socket's input buffer): one copy, not the generic path's per-byte walk.
    package mutating func append(_ bytes: UnsafeRawBufferPointer) {
        let dropped = skipped(bytes.count)
        guard dropped < bytes.count else { return }
        makeRoom()
        store(UnsafeRawBufferPointer(rebasing: bytes[dropped...]))
    }

    /// `append` for an array (what a connection's read hands over): the generic one below is not specialised in
    /// the executables, so it walked the bytes through `dropFirst` and `append(contentsOf:)` as witnesses, the
    /// profile's largest cost of taking in a request frame.
    package mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    package mutating func append<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        Array(bytes).withUnsafeBytes { append($0) }
    }

    /// Copies `bytes` to `end`, growing the array (geometrically, by appending) only when its spare room is short.
    private mutating func store(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        let needed = end + bytes.count
        if buffer.count < needed {
            buffer.append(contentsOf: repeatElement(0, count: max(needed, 2 * buffer.count) - buffer.count))
        }
        let at = end
        buffer.withUnsafeMutableBytes { storage in
            storage.baseAddress.map { ($0 + at).copyMemory(from: source, byteCount: bytes.count) }
        }
        end = needed
    }

    /// How many of `count` new bytes belong to a refused frame still being skipped.
    private mutating func skipped(_ count: Int) -> Int {
        let dropped = min(skipping, count)
        skipping -= dropped
        return dropped
    }

    /// `decodeHeader` leaves what it consumed in place (its payload stays readable until the next append).
    private mutating func makeRoom() {
        compact()
        if readIndex > 0, readIndex >= end / 2 {
            let (from, count) = (readIndex, end - readIndex)
            buffer.withUnsafeMutableBytes { storage in
                storage.baseAddress.map { $0.copyMemory(from: $0 + from, byteCount: count) }
            }
            end = count
            readIndex = 0
        }
    }

    package mutating func decode() throws(FrameError) -> Frame? {
        guard let header = try decodeHeader() else { return nil }
        let payload = Array(buffer[header.payload])
        compact()
        return Frame(kind: header.kind, stream: header.stream, payload: payload)
    }

    /// A frame whose payload is still in the decoder's buffer, at `payload`.
    package struct Header: Equatable, Sendable {
        package var kind: Frame.Kind
        package var stream: UInt32
        package var payload: Range<Int>
    }

    /// `decode()` without copying the payload out: it stays readable through `withPayload` until the
    /// next `append` or `decode`, so a reader that turns it straight into a value allocates nothing for it.
    package mutating func decodeHeader() throws(FrameError) -> Header? {
        guard end - readIndex >= 4 + Frame.headerLength else {
            if end - readIndex >= 4 { _ = try length() }
            return nil
        }
        // The ten header bytes in two loads: read byte by byte through the array, each with its bounds check, they
        // cost some 70 instructions a frame.
        let at = readIndex
        let (lengthField, version, rawKind, stream) = buffer.withUnsafeBytes { raw in
            (
                UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self)), raw[at + 4], raw[at + 5],
                UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: at + 6, as: UInt32.self))
            )
        }
        let length = try Self.checked(length: Int(lengthField))
        guard version == Frame.version else { throw FrameError.unsupportedVersion(version) }
        guard let kind = Frame.Kind(rawValue: rawKind) else { throw FrameError.unknownKind(rawKind) }
        if length > maxLength {
            let available = end - readIndex - 4
            if available >= length {
                readIndex += 4 + length
            } else {
                skipping = length - available
                readIndex = end
            }
            compact()
            throw FrameError.tooLarge(stream: stream, kind: kind, length: length)
        }
        guard end - readIndex >= 4 + length else { return nil }
        let payload = (readIndex + 4 + Frame.headerLength)..<(readIndex + 4 + length)
        readIndex += 4 + length
        return Header(kind: kind, stream: stream, payload: payload)
    }

    /// The bytes of `payload`, a range from `decodeHeader`.
    package func withPayload<R>(_ payload: Range<Int>, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        buffer.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[payload])) }
    }

    /// The length field at the read position: at least the header, never past `Frame.maxLength`.
    private func length() throws(FrameError) -> Int {
        let length =
            Int(buffer[readIndex]) << 24 | Int(buffer[readIndex + 1]) << 16 | Int(buffer[readIndex + 2]) << 8
            | Int(buffer[readIndex + 3])
        return try Self.checked(length: length)
    }

    private static func checked(length: Int) throws(FrameError) -> Int {
        guard length >= Frame.headerLength, length <= Frame.maxLength else { throw FrameError.invalidLength(length) }
        return length
    }

    private mutating func compact() {
        if readIndex == end {
            end = 0
            readIndex = 0
        }
    }
}
