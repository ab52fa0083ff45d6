/// Standard base64 with padding (RFC 4648 §4), as OpenAI's `encoding_format: "base64"` embeddings use it
/// and Python's `base64.b64decode` reads it. https://www.rfc-editor.org/rfc/rfc4648#section-4
package enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    package static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [sextet(n, 18), sextet(n, 12), sextet(n, 6), sextet(n, 0)]
            i += 3
        }
        switch bytes.count - i {
        case 1:
            let n = UInt32(bytes[i]) << 16
            out += [sextet(n, 18), sextet(n, 12), UInt8(ascii: "="), UInt8(ascii: "=")]
        case 2:
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out += [sextet(n, 18), sextet(n, 12), sextet(n, 6), UInt8(ascii: "=")]
        default:
            break
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A float32 vector as OpenAI sends it: each value's IEEE 754 bits, little-endian, then base64
    /// (what `numpy.frombuffer(base64.b64decode(s), dtype="float32")` in the openai SDK reads).
    package static func encode(float32LittleEndian vector: [Float]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(vector.count * 4)
        for value in vector {
            let bits = value.bitPattern
            bytes += [
                UInt8(truncatingIfNeeded: bits), UInt8(truncatingIfNeeded: bits >> 8),
                UInt8(truncatingIfNeeded: bits >> 16), UInt8(truncatingIfNeeded: bits >> 24),
            ]
        }
        return encode(bytes)
    }

    private static func sextet(_ n: UInt32, _ shift: UInt32) -> UInt8 {
        alphabet[Int((n >> shift) & 0x3F)]
    }
}
