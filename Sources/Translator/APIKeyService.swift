import AWSSigV4
import CurlMulti
import EventLoop
import GatewayLog
import GatewayMetrics
import GatewayWire
import TranslatorCore

/// Answers "may this bearer token pass?" from the key cache, fetching the secret from Secrets Manager
/// when the cache asks for it; requests that must wait for that fetch are parked here.
///
/// Its per-request stored properties are `@exclusivity(unchecked)` (see `EventLoop`'s note on it).
final class APIKeyService {
    @exclusivity(unchecked) private var cache: APIKeyCache
    private let secretId: String?
    private let region: String
    private let endpoint: ServiceEndpoint
    private let credentials: CredentialsManager
    private let curl: CurlMulti
    private var waiting: [(key: String?, completion: (Result<APIKeyGrant, GatewayError>) -> Void)] = []
    private var transfer: CurlTransfer?
    private var refreshTimer: Timer?
    /// For `gateway_api_keys_*`: Secrets Manager fetches that loaded a key set and that failed, when the last
    /// one loaded (monotonic seconds), and its size.
    private(set) var refreshes = 0
    private(set) var refreshFailures = 0
    private(set) var loadedAt: Double?
    private(set) var loadedKeyCount = 0
    var usesSecret: Bool { secretId != nil }
    /// Monotonic for the key set's TTL and the fetch backoff, wall only for signing the fetch.
    private let clock: GatewayClock

    init(
        config: TranslatorConfig, credentials: CredentialsManager, curl: CurlMulti, loop: EventLoop, clock: GatewayClock
    ) {
        self.clock = clock
        cache = APIKeyCache(
            staticKeys: config.staticAPIKeys, secretConfigured: config.authSecretId != nil,
            allowUnauthenticated: config.allowUnauthenticated, ttl: config.apiKeyCacheTTL)
        secretId = config.authSecretId
        region = config.region
        endpoint = config.secretsManagerEndpoint
        self.credentials = credentials
        self.curl = curl
        if secretId != nil {
            // Fetch at startup so the first request does not wait, and re-check on a timer so keys
            // removed from the secret stop working within one TTL.
            let timer = Timer(loop: loop) { [weak self] in self?.periodicRefresh() }
            refreshTimer = timer
            timer.schedule(after: 0)
        }
    }

    private func periodicRefresh() {
        if cache.refreshIfDue(now: clock.monotonic()) { fetch() }
        refreshTimer?.schedule(after: max(1, min(60, cache.ttl / 4)))
    }

    func authorize(
        _ key: String?, afterFetch: Bool = false, completion: @escaping (Result<APIKeyGrant, GatewayError>) -> Void
    ) {
        if let result = authorizeNow(key, afterFetch: afterFetch) {
            completion(result)
        } else {
            park(key, completion)
        }
    }

    /// The key's judgement, or nil when it must wait for the fetch this started or one in flight: the caller
    /// then parks it (`park`). `authorize` without a closure, for the requests that need none.
    func authorizeNow(_ key: String?, afterFetch: Bool = false) -> Result<APIKeyGrant, GatewayError>? {
        let (outcome, grant) = cache.checkGranting(key: key, now: clock.monotonic(), afterFetch: afterFetch)
        if outcome.startFetch { fetch() }
        switch outcome.decision {
        case .allow: return .success(grant ?? cache.grant(for: key))
        case .wait: return nil
        case .deny:
            // Logged by the session, beside its request id.
            if key != nil { return .failure(GatewayError(.invalidAPIKey, "Incorrect API key provided.")) }
            return .failure(GatewayError(.missingAPIKey, "You didn't provide an API key."))
        case .unavailable:
            return .failure(
                GatewayError(.authUnavailable, "The gateway cannot verify API keys right now; retry shortly."))
        }
    }

    /// Judges `key` again once the fetch `authorizeNow` waited for ends, and hands `completion` the result.
    func park(_ key: String?, _ completion: @escaping (Result<APIKeyGrant, GatewayError>) -> Void) {
        // That fetch may have ended inside `authorizeNow` (credentials in their failure backoff fail it at once),
        // draining the queue before this request joined it: judged now, as that drain would have.
        guard !cache.fetchInFlight, let result = authorizeNow(key, afterFetch: true) else {
            return waiting.append((key, completion))
        }
        completion(result)
    }

    private func fetch() {
        guard let secretId else { return }
        credentials.withCredentials { [weak self] result in
            guard let self else { return }
            switch result {
            case .failure(let error): self.finish(.failure(error.message))
            case .success(let creds):
                let request = SecretsManagerRequest.getSecretValue(endpoint: self.endpoint, secretId: secretId)
                    .signed(credentials: creds, region: self.region, service: .secretsManager, at: self.clock.date)
                self.send(request)
            }
        }
    }

    private func send(_ request: AWSHTTPRequest) {
        // A secret is at most 64 KiB.
        transfer = sendBuffered(request, on: curl, connectTimeout: 5, totalTimeout: 15, maxBytes: 1 << 20) {
            [weak self] result in
            guard let self else { return }
            self.transfer = nil
            switch result {
            case .failure(let error): self.finish(.failure("Secrets Manager unreachable: \(error)"))
            case .success(let response):
                switch SecretsManagerRequest.parseResponse(status: response.status, body: response.body) {
                case .failure(let error): self.finish(.failure(error.message))
                case .success(let secret):
                    switch APIKeySet.parseSecret(secret) {
                    case .success(let keys): self.finish(.success(keys))
                    case .failure(let error): self.finish(.failure("AUTH_SECRET_ID: \(error.message)"))
                    }
                }
            }
        }
    }

    private enum FetchResult {
        case success(APIKeySet)
        case failure(String)
    }

    private func finish(_ result: FetchResult) {
        switch result {
        case .success(let keys):
            cache.fetchSucceeded(keys, now: clock.monotonic())
            refreshes += 1
            loadedAt = clock.monotonic()
            loadedKeyCount = keys.count
            Log.info("loaded \(keys.count) API key(s) from Secrets Manager")
        case .failure(let reason):
            cache.fetchFailed(now: clock.monotonic())
            refreshFailures += 1
            Log.warning(
                "fetching API keys failed (\(reason)); \(cache.hasKeySet ? "serving the last good key set" : "no key set yet")"
            )
        }
        let parked = waiting
        waiting = []
        for entry in parked { authorize(entry.key, afterFetch: true, completion: entry.completion) }
    }
}
