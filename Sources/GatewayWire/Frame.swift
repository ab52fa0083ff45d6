/// The Unix-socket frame both executables speak:
///
///     length: UInt32 big-endian (bytes after this field) | version: UInt8 (= 1) | kind: UInt8 | payload
///
/// One request per connection; the translator answers with a sequence of frames and closes.
/// Closing the connection early is the cancel signal, so frames carry no stream identifiers.
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
        /// Translator → shim, empty: "the request is here and still being worked on". Sent as soon as
        /// the request frame is read (the acknowledgement) and then every `Frame.heartbeatInterval` until
        /// the exchange ends, so the shim can tell a slow model from a hung translator.
        case heartbeat = 9
        /// Translator → shim: the translator's metric families, for the shim's `METRICS_PORT` page.
        /// Added with metrics; a shim that predates it never asks for them.
        case metrics = 10
    }

    /// Seconds between heartbeats.
    package static let heartbeatInterval = 2.0

    package static let version: UInt8 = 1
    /// Requests are capped by the shim's MAX_BODY_BYTES (8 MiB default); leave room for larger settings.
    package static let maxLength = 64 << 20

    package var kind: Kind
    package var payload: [UInt8]

    package init(kind: Kind, payload: [UInt8]) {
        self.kind = kind
        self.payload = payload
    }

    package func encoded() -> [UInt8] {
        let length = UInt32(payload.count + 2)
        var out: [UInt8] = []
        out.reserveCapacity(payload.count + 6)
        out.append(UInt8(truncatingIfNeeded: length >> 24))
        out.append(UInt8(truncatingIfNeeded: length >> 16))
        out.append(UInt8(truncatingIfNeeded: length >> 8))
        out.append(UInt8(truncatingIfNeeded: length))
        out.append(Frame.version)
        out.append(kind.rawValue)
        out.append(contentsOf: payload)
        return out
    }
}

package enum FrameError: Error, Equatable {
    case unsupportedVersion(UInt8)
    case unknownKind(UInt8)
    case invalidLength(Int)
    case invalidPayload(String)
}

/// Single-step frame decoder: `nil` means more bytes are needed; a partial frame is never consumed.
package struct FrameDecoder {
    private var buffer: [UInt8] = []
    private var readIndex = 0
    private let maxLength: Int

    package init(maxLength: Int = Frame.maxLength) {
        self.maxLength = maxLength
    }

    package var bufferedByteCount: Int { buffer.count - readIndex }

    package mutating func append<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        if readIndex > 0, readIndex >= buffer.count / 2 {
            buffer.removeFirst(readIndex)
            readIndex = 0
        }
        buffer.append(contentsOf: bytes)
    }

    package mutating func decode() throws(FrameError) -> Frame? {
        guard buffer.count - readIndex >= 4 else { return nil }
        let length =
            Int(buffer[readIndex]) << 24 | Int(buffer[readIndex + 1]) << 16 | Int(buffer[readIndex + 2]) << 8
            | Int(buffer[readIndex + 3])
        guard length >= 2, length <= maxLength else { throw FrameError.invalidLength(length) }
        guard buffer.count - readIndex >= 4 + length else { return nil }
        let version = buffer[readIndex + 4]
        guard version == Frame.version else { throw FrameError.unsupportedVersion(version) }
        let rawKind = buffer[readIndex + 5]
        guard let kind = Frame.Kind(rawValue: rawKind) else { throw FrameError.unknownKind(rawKind) }
        let payload = Array(buffer[(readIndex + 6)..<(readIndex + 4 + length)])
        readIndex += 4 + length
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            readIndex = 0
        }
        return Frame(kind: kind, payload: payload)
    }
}
