import Crypto

/// Lowercase hex, as every hash and signature in SigV4 must be
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html).
enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)
    /// A SHA-256 in hex: 32 bytes, two digits each.
    static let sha256Digits = 2 * 32

    static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        Array(bytes).withUnsafeBytes { append($0, to: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    static func sha256<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        sha256(Array(bytes))
    }

    /// Hashes the array's storage in place: `SHA256.hash(data:)` goes through `DataProtocol`'s generic
    /// regions, whose metadata the profile showed being looked up at run time on every request.
    static func sha256(_ bytes: [UInt8]) -> String {
        var hasher = SHA256()
        bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return hasher.finalize().withUnsafeBytes { encode($0) }
    }

    /// The hex SHA-256 of `bytes` appended to `out`, for text built as bytes (no String in between).
    static func appendSHA256(of bytes: [UInt8], to out: inout [UInt8]) {
        var hasher = SHA256()
        bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        hasher.finalize().withUnsafeBytes { append($0, to: &out) }
    }

    /// The hex SHA-256 of `bytes` written to `out`, which has room for its 64 digits.
    static func writeSHA256(of bytes: UnsafeRawBufferPointer, to out: inout ByteWriter) {
        var hasher = SHA256()
        hasher.update(bufferPointer: bytes)
        hasher.finalize().withUnsafeBytes { write($0, to: &out) }
    }

    /// `bytes` in hex, written to `out`, which has room for two digits a byte.
    static func write(_ bytes: UnsafeRawBufferPointer, to out: inout ByteWriter) {
        digits.withUnsafeBufferPointer { digits in
            for byte in bytes {
                out.write(digits[Int(byte >> 4)])
                out.write(digits[Int(byte & 0x0f)])
            }
        }
    }

    static func append(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        // Digits written to the stack and appended in one copy: appending digit by digit checked capacity and
        // uniqueness twice per byte, more than hashing a short message cost.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count * 2) { text in
            var writer = ByteWriter(text)
            write(bytes, to: &writer)
            out.append(contentsOf: UnsafeBufferPointer(text))
        }
    }

    /// True for exactly 64 lowercase hex digits (a SHA-256 in SigV4 form).
    static func isSHA256(_ text: String) -> Bool {
        let utf8 = text.utf8
        return utf8.count == 64 && utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}

/// Compares two strings in time that depends only on their lengths, so a verifier does not leak how much of a
/// forged signature was right.
func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
    let a = Array(lhs.utf8)
    let b = Array(rhs.utf8)
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for index in a.indices { difference |= a[index] ^ b[index] }
    return difference == 0
}
