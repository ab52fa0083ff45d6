import AWSSigV4
import FoundationEssentials

/// The access keys the emulator accepts: one static pair, plus the temporary triples its container-credentials
/// endpoint mints, each valid until its expiration as with real role credentials.
final class CredentialStore {
    struct Temporary {
        var credentials: AWSCredentials
        var expiration: Date
    }

    enum Lookup {
        case known(secret: String, sessionToken: String?)
        case expired(secret: String, sessionToken: String?)
    }

    private let staticCredentials: AWSCredentials
    private var temporary: [String: Temporary] = [:]
    let lifetime: Double
    let tokenLength: Int
    /// How a minted session token starts (real ones start `IQoJb3JpZ2luX2Vj`, base64 of their origin).
    static let tokenPrefix = "IQoJb3JpZ2luX2VtdWxhdG9y"

    init(staticCredentials: AWSCredentials, lifetime: Double, tokenLength: Int = 144) {
        self.staticCredentials = staticCredentials
        self.lifetime = lifetime
        self.tokenLength = max(tokenLength, Self.tokenPrefix.count)
    }

    func lookup(_ accessKeyId: String, now: Date) -> Lookup? {
        if accessKeyId == staticCredentials.accessKeyId {
            return .known(secret: staticCredentials.secretAccessKey, sessionToken: nil)
        }
        guard let minted = temporary[accessKeyId] else { return nil }
        let secret = minted.credentials.secretAccessKey, token = minted.credentials.sessionToken
        return now < minted.expiration
            ? .known(secret: secret, sessionToken: token) : .expired(secret: secret, sessionToken: token)
    }

    /// A fresh triple, remembered so signed calls can use it.
    func mint(now: Date) -> Temporary {
        var rng = SystemRandomNumberGenerator()
        let upper = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        let any = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        func random(_ alphabet: [Character], _ count: Int) -> String {
            String((0..<count).map { _ in alphabet[Int(rng.next(upperBound: UInt64(alphabet.count)))] })
        }
        let minted = Temporary(
            credentials: AWSCredentials(
                accessKeyId: "ASIA" + random(upper, 16),
                secretAccessKey: random(any, 40),
                sessionToken: Self.tokenPrefix + random(any, tokenLength - Self.tokenPrefix.count)),
            expiration: now.addingTimeInterval(lifetime))
        temporary[minted.credentials.accessKeyId] = minted
        return minted
    }
}
