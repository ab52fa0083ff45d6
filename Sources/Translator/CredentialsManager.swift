import AWSSigV4
import CurlMulti
import EventLoop
import FoundationEssentials
import GatewayLog
import GatewayWire
import TranslatorCore

/// Owns the translator's AWS credentials: the refresh state machine plus the one fetch it may have in
/// flight; requests that must wait are parked here and resumed when the fetch completes.
///
/// Its per-request stored properties are `@exclusivity(unchecked)` (see `EventLoop`'s note on it).
final class CredentialsManager {
    private let fetcher: CredentialFetcher
    @exclusivity(unchecked) private var state = ExpiringCredentials()
    private var waiting: [(Result<AWSCredentials, GatewayError>) -> Void] = []
    /// For `gateway_aws_credentials_*`: whether any credentials were obtained, when they expire (wall-clock
    /// seconds; nil: never), and refresh failures.
    private(set) var haveCredentials = false
    private(set) var expiresAt: Double?
    private(set) var refreshFailures = 0
    var sourceLabel: String { fetcher.sourceLabel }
    /// Wall time: expirations come from AWS as calendar times (`ExpiringCredentials` copes with a step back).
    private let clock: GatewayClock

    init(source: CredentialSource, region: String, stsEndpoint: ServiceEndpoint, curl: CurlMulti, clock: GatewayClock) {
        self.clock = clock
        fetcher = CredentialFetcher(
            source: source, region: region, stsEndpoint: stsEndpoint, curl: curl, clock: clock)
        switch source {
        case .environment(let credentials), .sharedFiles(_, let credentials):
            state.refreshSucceeded(credentials, expiration: nil, now: clock.wall())
            haveCredentials = true
        case .webIdentity, .assumeRole, .container, .instanceMetadata:
            break
        }
    }

    func withCredentials(_ completion: @escaping (Result<AWSCredentials, GatewayError>) -> Void) {
        if let result = credentialsNow() {
            completion(result)
        } else {
            park(completion)
        }
    }

    /// The credentials, or their failure, or nil when they must wait for the refresh this started or one in
    /// flight: the caller then parks (`park`). `withCredentials` without a closure, for the requests that need none.
    func credentialsNow() -> Result<AWSCredentials, GatewayError>? {
        let outcome = state.credentials(now: clock.wall())
        if outcome.startRefresh { startRefresh() }
        switch outcome.decision {
        case .use(let credentials): return .success(credentials)
        case .wait: return nil
        case .unavailable(let reason):
            Log.error("no usable AWS credentials: \(reason)")
            return .failure(GatewayError(.credentialsFailure, "The gateway has no usable AWS credentials."))
        }
    }

    /// Asks again once the refresh `credentialsNow` waited for ends, and hands `completion` the result.
    func park(_ completion: @escaping (Result<AWSCredentials, GatewayError>) -> Void) {
        // That refresh may have ended inside `credentialsNow` (a source that cannot refresh fails at once),
        // draining the queue before this request joined it: asked again now, as that drain would have.
        guard !state.refreshInFlight, let result = credentialsNow() else { return waiting.append(completion) }
        completion(result)
    }

    private func startRefresh() {
        guard fetcher.isRefreshable else {
            // Static credentials never need a refresh; finish the state machine's request at once.
            state.refreshFailed("static credentials cannot be refreshed", now: clock.wall())
            return
        }
        fetcher.fetch { [weak self] result in self?.finish(result) }
    }

    private func finish(_ result: Result<CredentialFetcher.Fetched, ConfigError>) {
        let now = clock.wall()
        switch result {
        case .success(let fetched):
            state.refreshSucceeded(fetched.credentials, expiration: fetched.expiration, now: now)
            haveCredentials = true
            expiresAt = fetched.expiration
            let remaining = fetched.expiration.map { String(Int($0 - now)) + " s" } ?? "no expiry"
            Log.info(
                "refreshed AWS credentials from \(fetcher.sourceName) (access key \(fetched.credentials.accessKeyId.prefix(4))…, valid \(remaining))"
            )
        case .failure(let error):
            state.refreshFailed(error.message, now: now)
            refreshFailures += 1
            Log.error("AWS credential refresh from \(fetcher.sourceName) failed: \(error.message)")
        }
        let parked = waiting
        waiting = []
        for completion in parked { withCredentials(completion) }
    }
}
