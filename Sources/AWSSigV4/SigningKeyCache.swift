import Crypto
import Synchronization

/// A signing key and HMAC-SHA256 (RFC 2104) keyed with it, held as the two hash states after the padded key
/// blocks. `SHA256` is a value type whose state is copied on write, so each code starts from the keyed states
/// without hashing the padded key again; and feeding them raw buffers skips `HMAC`'s generic `DataProtocol`
/// update, which the profile showed costing more than the hashing it wrapped.
struct SigningMAC: Sendable {
    let key: [UInt8]
    /// The credential scope the key signs for (`yyyymmdd/region/service/aws4_request`): it depends on exactly
    /// what the key does, and each signature writes it twice.
    let scope: [UInt8]
    private let inner: SHA256
    private let outer: SHA256

    init(key: [UInt8], scope: [UInt8]) {
        self.key = key
        self.scope = scope
        // RFC 2104: a key longer than the block is hashed first, a shorter one padded with zeros.
        var block = key.count > 64 ? SHA256.hash(data: key).withUnsafeBytes { [UInt8]($0) } : key
        block.append(contentsOf: repeatElement(0, count: 64 - block.count))
        var inner = SHA256()
        block.map { $0 ^ 0x36 }.withUnsafeBytes { inner.update(bufferPointer: $0) }
        var outer = SHA256()
        block.map { $0 ^ 0x5c }.withUnsafeBytes { outer.update(bufferPointer: $0) }
        self.inner = inner
        self.outer = outer
    }

    /// The code for `message` in hex, appended to `out` (the signature ends the `Authorization` value).
    func appendHexCode(for message: [UInt8], to out: inout [UInt8]) {
        message.withUnsafeBytes { code(for: $0) { Hex.append($0, to: &out) } }
    }

    /// The same, written into a buffer sized for it (`SigV4Signer.sign`).
    func writeHexCode(for message: UnsafeRawBufferPointer, to out: inout ByteWriter) {
        code(for: message) { Hex.write($0, to: &out) }
    }

    private func code(for message: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        var inner = self.inner
        inner.update(bufferPointer: message)
        var outer = self.outer
        inner.finalize().withUnsafeBytes { outer.update(bufferPointer: $0) }
        outer.finalize().withUnsafeBytes(body)
    }
}

/// The last signing key derived, and what it was derived from.
///
/// A SigV4 signing key depends only on the secret, the day, the region and the service, so a process that signs
/// every request with the same credentials derives the same key all day: four HMACs (with their key setup) that
/// the profile showed as a sixth of the translator's instructions per request. One entry is enough: the gateway
/// signs for one region and service with one credential set at a time, and a rotation replaces the entry.
final class SigningKeyCache: Sendable {
    private struct Entry {
        var secret: String
        var dateStamp: String
        var region: String
        var service: String
        var mac: SigningMAC
    }

    static let shared = SigningKeyCache()

    private let entry = Mutex<Entry?>(nil)

    func mac(
        secret: String, dateStamp: String, region: String, service: String, derive: () -> SigningMAC
    ) -> SigningMAC {
        if let hit = entry.withLock({ e -> SigningMAC? in
            guard let e, e.dateStamp == dateStamp, e.region == region, e.service == service, e.secret == secret
            else { return nil }
            return e.mac
        }) {
            return hit
        }
        let mac = derive()
        entry.withLock { $0 = Entry(secret: secret, dateStamp: dateStamp, region: region, service: service, mac: mac) }
        return mac
    }
}
