import Synchronization

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
        var key: [UInt8]
    }

    static let shared = SigningKeyCache()

    private let entry = Mutex<Entry?>(nil)

    func key(secret: String, dateStamp: String, region: String, service: String, derive: () -> [UInt8]) -> [UInt8] {
        if let hit = entry.withLock({ e -> [UInt8]? in
            guard let e, e.dateStamp == dateStamp, e.region == region, e.service == service, e.secret == secret
            else { return nil }
            return e.key
        }) {
            return hit
        }
        let key = derive()
        entry.withLock { $0 = Entry(secret: secret, dateStamp: dateStamp, region: region, service: service, key: key) }
        return key
    }
}
