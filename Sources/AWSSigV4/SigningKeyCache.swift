import Crypto
import Synchronization

/// A signing key and an HMAC-SHA256 keyed with it. `HMAC` is a value type whose hash state is copied on
/// write, so each code starts from the keyed state without hashing the padded key again.
struct SigningMAC: Sendable {
    let key: [UInt8]
    private let keyed: HMAC<SHA256>

    init(key: [UInt8]) {
        self.key = key
        keyed = HMAC<SHA256>(key: SymmetricKey(data: key))
    }

    /// The code for `message` in hex, appended to `out` (the signature ends the `Authorization` value).
    func appendHexCode(for message: [UInt8], to out: inout [UInt8]) {
        var mac = keyed
        message.withUnsafeBytes { mac.update(data: $0) }
        mac.finalize().withUnsafeBytes { Hex.append($0, to: &out) }
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
