import AWSSigV4

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The bearer token for SageMaker's OpenAI-compatible route (`SageMakerBearerToken`), kept until it should be
/// replaced. Minting is pure and costs a few HMACs, so this struct mints itself when asked rather than returning
/// an action for the loop; time is injected, as in `ExpiringCredentials`.
///
/// A new token is minted when there is none, when the credentials it came from are no longer the current ones
/// (another access key id or session token: `ExpiringCredentials` refreshes them from 15 minutes before they
/// expire, and a token stops working with its session token), when less than `renewalWindow` of its life is left,
/// and when the clock went back past its signing time (SageMaker would see it as signed in the future).
package struct SageMakerBearerTokenCache: Sendable {
    package enum MintReason: Equatable, Sendable {
        case noToken
        case credentialsChanged
        case nearExpiry
        case clockWentBack
    }

    package let region: String
    /// Seconds each token is valid, `1...SageMakerBearerToken.maximumLifetime`.
    package let lifetime: Int
    private var current: SageMakerBearerToken?
    private var mintedFrom: (accessKeyId: String, sessionToken: String?)?

    package init(region: String, lifetime: Int = SageMakerBearerToken.maximumLifetime) {
        self.region = region
        self.lifetime = min(max(lifetime, 1), SageMakerBearerToken.maximumLifetime)
    }

    /// A token is replaced once less than this is left: a quarter of its lifetime, or 15 minutes if that is more
    /// (never more than half the lifetime, so a short test lifetime does not mint on every request). Three hours
    /// for the default 12-hour token, so a token handed out is always good for hours.
    package var renewalWindow: TimeInterval {
        let life = TimeInterval(lifetime)
        return max(life / 4, min(15 * 60, life / 2))
    }

    /// Why the token should be minted again before use with `credentials` at `now`; nil to keep it.
    package func mintReason(for credentials: AWSCredentials, now: Date) -> MintReason? {
        guard let current, let mintedFrom else { return .noToken }
        if mintedFrom.accessKeyId != credentials.accessKeyId || mintedFrom.sessionToken != credentials.sessionToken {
            return .credentialsChanged
        }
        if now < current.issuedAt { return .clockWentBack }
        if current.expiration.timeIntervalSince(now) < renewalWindow { return .nearExpiry }
        return nil
    }

    /// The token to send with a request signed by `credentials` at `now`, minted first if `mintReason` says so.
    package mutating func token(for credentials: AWSCredentials, now: Date) -> SageMakerBearerToken {
        if let current, mintReason(for: credentials, now: now) == nil { return current }
        let minted = SageMakerBearerToken.mint(credentials: credentials, region: region, at: now, expiresIn: lifetime)
        current = minted
        mintedFrom = (credentials.accessKeyId, credentials.sessionToken)
        return minted
    }
}
