import AWSSigV4
import EventLoop
import FoundationEssentials
import GatewayLog
import GatewayWire
import TranslatorCore

/// Hands out the bearer token for SageMaker's OpenAI-compatible route, minted from the translator's current
/// AWS credentials (`SageMakerBearerTokenCache` decides when to mint again: new credentials, or near expiry).
/// The token is a credential: it is logged only as its expiry and the access key it came from, and never
/// leaves the translator except in the request's `Authorization` header.
final class BearerTokenProvider {
    private let credentials: CredentialsManager
    private var cache: SageMakerBearerTokenCache
    private let clock: GatewayClock

    init(region: String, credentials: CredentialsManager, clock: GatewayClock) {
        self.credentials = credentials
        self.clock = clock
        cache = SageMakerBearerTokenCache(region: region)
    }

    func withToken(_ completion: @escaping (Result<SageMakerBearerToken, GatewayError>) -> Void) {
        credentials.withCredentials { [weak self] result in
            guard let self else { return }
            switch result {
            case .failure(let error): completion(.failure(error))
            case .success(let credentials):
                let now = self.clock.date
                let reason = self.cache.mintReason(for: credentials, now: now)
                let token = self.cache.token(for: credentials, now: now)
                if let reason {
                    Log.info(
                        "minted a SageMaker bearer token (\(reason)) from access key \(credentials.accessKeyId.prefix(4))…, valid \(Int(token.expiration.timeIntervalSince(now))) s"
                    )
                }
                completion(.success(token))
            }
        }
    }
}
