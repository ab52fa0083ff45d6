/// Decides whether a bearer token may pass, and when the key set must be (re)fetched from Secrets
/// Manager. A pure state machine with time injected: the translator's loop performs the fetches it
/// asks for and reports back, so the rules are testable without a clock or a socket.
///
/// Rules: keys are trusted for `ttl` seconds; a key not in the cache triggers one refetch, at most
/// one per `refetchInterval` seconds however many unknown keys arrive; if Secrets Manager fails, the
/// last good set keeps serving and the fetch is retried with backoff; with no set ever fetched the
/// answer is "unavailable" (503), never "denied" (401) for a key that may well be valid.
package struct APIKeyCache: Sendable {
    package enum Decision: Equatable, Sendable {
        case allow
        case deny
        /// No key set could ever be fetched: the client should hear 503, not 401.
        case unavailable
        /// Park the request until the fetch in flight completes, then ask again with `afterFetch: true`.
        case wait
    }

    package struct Outcome: Equatable, Sendable {
        package var decision: Decision
        /// Start a Secrets Manager fetch now (never true while one is in flight).
        package var startFetch: Bool
    }

    private let staticKeys: APIKeySet
    private let secretConfigured: Bool
    private let allowUnauthenticated: Bool
    package let ttl: Double
    package let refetchInterval: Double

    private var fetched: APIKeySet?
    private var fetchedAt: Double?
    private var lastFetchStart: Double?
    private var inFlight = false
    private var consecutiveFailures = 0
    private var retryNotBefore: Double = 0
    /// Grants of keys that passed since the sets last changed: most clients send one key on every request.
    private var recent = RecentGrants()

    package init(
        staticKeys: APIKeySet, secretConfigured: Bool, allowUnauthenticated: Bool, ttl: Double,
        refetchInterval: Double = 5
    ) {
        self.staticKeys = staticKeys
        self.secretConfigured = secretConfigured
        self.allowUnauthenticated = allowUnauthenticated
        self.ttl = ttl
        self.refetchInterval = refetchInterval
    }

    package var hasKeySet: Bool { fetched != nil || !staticKeys.isEmpty }
    package var fetchInFlight: Bool { inFlight }

    /// `now` in seconds on any monotonic clock.
    package mutating func check(key: String?, now: Double, afterFetch: Bool = false) -> Outcome {
        checkGranting(key: key, now: now, afterFetch: afterFetch).outcome
    }

    /// `check`, with the grant of a key it found in a set: hashing the key is most of checking it, and
    /// `grant(for:)` after `check` hashed it a second time per request. `grant` nil means ask `grant(for:)`.
    package mutating func checkGranting(key: String?, now: Double, afterFetch: Bool = false)
        -> (outcome: Outcome, grant: APIKeyGrant?)
    {
        if !secretConfigured && staticKeys.isEmpty && allowUnauthenticated {
            return (Outcome(decision: .allow, startFetch: false), nil)
        }
        let stale = fetchedAt.map { now - $0 >= ttl } ?? true
        if let key, let found = recent.grant(for: key) ?? lookUp(key) {
            // Serve from the cache; refresh a stale set in the background.
            return (
                Outcome(decision: .allow, startFetch: secretConfigured && stale && startFetchIfAllowed(now: now)),
                found
            )
        }
        return (uncachedOutcome(key: key, now: now, stale: stale, afterFetch: afterFetch), nil)
    }

    /// The grant of the first set holding `key`, remembered for the next request that sends it.
    private mutating func lookUp(_ key: String) -> APIKeyGrant? {
        guard let found = staticKeys.grant(for: key) ?? fetched?.grant(for: key) else { return nil }
        recent.remember(key, found)
        return found
    }

    /// `check` for a key in neither set (or none).
    private mutating func uncachedOutcome(key: String?, now: Double, stale: Bool, afterFetch: Bool) -> Outcome {
        guard secretConfigured, key != nil else {
            return Outcome(decision: key == nil || hasKeySet ? .deny : .unavailable, startFetch: false)
        }
        if inFlight { return Outcome(decision: .wait, startFetch: false) }
        if afterFetch {
            return Outcome(decision: hasKeySet ? .deny : .unavailable, startFetch: false)
        }
        // An unknown key: perhaps a rotation we have not seen. Refetch, rate-limited.
        let mayRefetch = stale || lastFetchStart.map { now - $0 >= refetchInterval } ?? true
        if mayRefetch && startFetchIfAllowed(now: now) {
            return Outcome(decision: .wait, startFetch: true)
        }
        return Outcome(decision: hasKeySet ? .deny : .unavailable, startFetch: false)
    }

    /// What an allowed key may do: the grant of the first set holding it (static keys first);
    /// unrestricted when the gateway runs without keys.
    package func grant(for key: String?) -> APIKeyGrant {
        guard let key else { return .unrestricted }
        return staticKeys.grant(for: key) ?? fetched?.grant(for: key)
            ?? APIKeyGrant(fingerprint: APIKeySet.fingerprint(key))
    }

    /// Whether a background refresh is due (called from a timer so keys removed from the secret stop
    /// working within one TTL even when nobody presents an unknown key).
    package mutating func refreshIfDue(now: Double) -> Bool {
        guard secretConfigured else { return false }
        let stale = fetchedAt.map { now - $0 >= ttl } ?? true
        return stale && startFetchIfAllowed(now: now)
    }

    private mutating func startFetchIfAllowed(now: Double) -> Bool {
        guard !inFlight, now >= retryNotBefore else { return false }
        inFlight = true
        lastFetchStart = now
        return true
    }

    package mutating func fetchSucceeded(_ keys: APIKeySet, now: Double) {
        inFlight = false
        fetched = keys
        // A key removed from the secret must stop passing now, and one re-scoped must get its new grant.
        recent.removeAll()
        fetchedAt = now
        consecutiveFailures = 0
        retryNotBefore = 0
    }

    /// Keeps the last good set; backs off 1, 2, 4 … 60 seconds between retries.
    package mutating func fetchFailed(now: Double) {
        inFlight = false
        consecutiveFailures += 1
        let backoff = min(60.0, Double(1 << min(consecutiveFailures - 1, 6)))
        retryNotBefore = now + backoff
    }
}
