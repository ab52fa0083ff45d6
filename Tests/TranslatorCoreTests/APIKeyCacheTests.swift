import Testing

@testable import TranslatorCore

/// The key cache driven as the translator's loop drives it, with a hand-held clock.
@Suite("APIKeyCache")
struct APIKeyCacheTests {
    typealias Outcome = APIKeyCache.Outcome
    static let keys = APIKeySet(keys: ["good", "other-good"])

    static func secretCache(ttl: Double = 3600, refetchInterval: Double = 5) -> APIKeyCache {
        APIKeyCache(
            staticKeys: APIKeySet(keys: []), secretConfigured: true, allowUnauthenticated: false, ttl: ttl,
            refetchInterval: refetchInterval)
    }

    /// A cache whose first fetch, at t=0, succeeded.
    static func warmCache(ttl: Double = 3600, refetchInterval: Double = 5) -> APIKeyCache {
        var cache = secretCache(ttl: ttl, refetchInterval: refetchInterval)
        _ = cache.check(key: "good", now: 0)
        cache.fetchSucceeded(keys, now: 0)
        return cache
    }

    /// The grant comes with the check (one hash of the key), and it is the one `grant(for:)` gives.
    @Test func checkGrantingReturnsTheGrantOfAFoundKey() {
        var cache = APIKeyCache(
            staticKeys: APIKeySet(entries: [.init(key: "scoped", name: "team", models: ["m"])]),
            secretConfigured: false, allowUnauthenticated: false, ttl: 3600)
        let found = cache.checkGranting(key: "scoped", now: 0)
        #expect(found.outcome == Outcome(decision: .allow, startFetch: false))
        #expect(found.grant == cache.grant(for: "scoped"))
        #expect(found.grant?.name == "team")
        let unknown = cache.checkGranting(key: "nope", now: 0)
        #expect(unknown.outcome == Outcome(decision: .deny, startFetch: false))
        #expect(unknown.grant == nil)
        var openCache = APIKeyCache(
            staticKeys: APIKeySet(keys: []), secretConfigured: false, allowUnauthenticated: true, ttl: 3600)
        #expect(openCache.checkGranting(key: nil, now: 0).grant == nil)
    }

    @Test func firstRequestStartsExactlyOneFetchAndWaits() {
        var cache = Self.secretCache()
        #expect(!cache.hasKeySet)
        #expect(cache.check(key: "good", now: 0) == Outcome(decision: .wait, startFetch: true))
        #expect(cache.fetchInFlight)
        // Concurrent requests, known or not, park without a second fetch.
        #expect(cache.check(key: "good", now: 0.1) == Outcome(decision: .wait, startFetch: false))
        #expect(cache.check(key: "bad", now: 0.2) == Outcome(decision: .wait, startFetch: false))
        #expect(cache.refreshIfDue(now: 0.3) == false)

        cache.fetchSucceeded(Self.keys, now: 1)
        #expect(!cache.fetchInFlight)
        #expect(cache.hasKeySet)
        #expect(cache.check(key: "good", now: 1, afterFetch: true) == Outcome(decision: .allow, startFetch: false))
        #expect(cache.check(key: "bad", now: 1, afterFetch: true) == Outcome(decision: .deny, startFetch: false))
        #expect(cache.check(key: "other-good", now: 2) == Outcome(decision: .allow, startFetch: false))
    }

    @Test func missingKeyIsDeniedWithoutAFetch() {
        var cold = Self.secretCache()
        #expect(cold.check(key: nil, now: 0) == Outcome(decision: .deny, startFetch: false))
        #expect(!cold.fetchInFlight)
        var warm = Self.warmCache()
        #expect(warm.check(key: nil, now: 100) == Outcome(decision: .deny, startFetch: false))
    }

    @Test func unknownKeyRefetchesAtMostOncePerInterval() {
        var cache = Self.warmCache(refetchInterval: 5)
        // Within the interval since the last fetch started: deny outright.
        #expect(cache.check(key: "rotated", now: 4.9) == Outcome(decision: .deny, startFetch: false))
        // Past it: one refetch, the request waits for it.
        #expect(cache.check(key: "rotated", now: 5) == Outcome(decision: .wait, startFetch: true))
        #expect(cache.check(key: "another-unknown", now: 5.1) == Outcome(decision: .wait, startFetch: false))
        // Known keys keep passing while the refetch is in flight.
        #expect(cache.check(key: "good", now: 5.2) == Outcome(decision: .allow, startFetch: false))
        cache.fetchSucceeded(APIKeySet(keys: ["good", "rotated"]), now: 6)
        #expect(cache.check(key: "rotated", now: 6, afterFetch: true) == Outcome(decision: .allow, startFetch: false))
        #expect(
            cache.check(key: "another-unknown", now: 6, afterFetch: true) == Outcome(decision: .deny, startFetch: false)
        )
        // The next unknown key within 5 s of the refetch's start (t=5) is denied without a fetch.
        #expect(cache.check(key: "junk", now: 9.9) == Outcome(decision: .deny, startFetch: false))
        #expect(cache.check(key: "junk", now: 10) == Outcome(decision: .wait, startFetch: true))
        // Keys dropped from the secret stop working once the new set arrives.
        cache.fetchSucceeded(APIKeySet(keys: ["rotated"]), now: 10.5)
        #expect(cache.check(key: "good", now: 11) == Outcome(decision: .deny, startFetch: false))
    }

    @Test func ttlExpiryRefreshesInTheBackground() {
        var cache = Self.warmCache(ttl: 60)
        #expect(cache.check(key: "good", now: 59.9) == Outcome(decision: .allow, startFetch: false))
        #expect(cache.refreshIfDue(now: 59.9) == false)
        // Stale: the known key passes and asks for one background fetch.
        #expect(cache.check(key: "good", now: 60) == Outcome(decision: .allow, startFetch: true))
        #expect(cache.check(key: "good", now: 60.5) == Outcome(decision: .allow, startFetch: false))
        #expect(cache.check(key: "other-good", now: 61) == Outcome(decision: .allow, startFetch: false))
        #expect(cache.refreshIfDue(now: 61) == false)
        cache.fetchSucceeded(Self.keys, now: 62)
        #expect(cache.check(key: "good", now: 100) == Outcome(decision: .allow, startFetch: false))
    }

    @Test func timerRefreshWhenDue() {
        var cache = Self.warmCache(ttl: 60)
        #expect(cache.refreshIfDue(now: 30) == false)
        #expect(cache.refreshIfDue(now: 60) == true)
        #expect(cache.fetchInFlight)
        #expect(cache.refreshIfDue(now: 61) == false)
        var staticOnly = APIKeyCache(
            staticKeys: Self.keys, secretConfigured: false, allowUnauthenticated: false, ttl: 60)
        #expect(staticOnly.refreshIfDue(now: 1_000) == false)
    }

    @Test func failureWithNoSetIsUnavailableNeverDeny() {
        var cache = Self.secretCache()
        #expect(cache.check(key: "good", now: 0).startFetch)
        cache.fetchFailed(now: 1)
        #expect(!cache.fetchInFlight)
        #expect(
            cache.check(key: "good", now: 1, afterFetch: true) == Outcome(decision: .unavailable, startFetch: false))
        // During the 1 s backoff, new requests are unavailable without a fetch.
        #expect(cache.check(key: "good", now: 1.5) == Outcome(decision: .unavailable, startFetch: false))
        #expect(cache.check(key: "whatever", now: 1.9) == Outcome(decision: .unavailable, startFetch: false))
        // After it, the next request retries.
        #expect(cache.check(key: "good", now: 2) == Outcome(decision: .wait, startFetch: true))
        cache.fetchFailed(now: 2)
        // Second failure: 2 s backoff.
        #expect(cache.check(key: "good", now: 3.9) == Outcome(decision: .unavailable, startFetch: false))
        #expect(cache.check(key: "good", now: 4) == Outcome(decision: .wait, startFetch: true))
        cache.fetchSucceeded(Self.keys, now: 4.5)
        #expect(cache.check(key: "good", now: 4.5, afterFetch: true) == Outcome(decision: .allow, startFetch: false))
    }

    @Test func failureWithAPreviousSetKeepsServingAndBacksOff() {
        var cache = Self.warmCache(ttl: 60)
        #expect(cache.check(key: "good", now: 60) == Outcome(decision: .allow, startFetch: true))
        cache.fetchFailed(now: 61)
        #expect(cache.check(key: "good", now: 61.5) == Outcome(decision: .allow, startFetch: false))
        #expect(cache.check(key: "bad", now: 61.5) == Outcome(decision: .deny, startFetch: false))
        #expect(cache.refreshIfDue(now: 61.9) == false)
        #expect(cache.check(key: "good", now: 62) == Outcome(decision: .allow, startFetch: true))
        cache.fetchFailed(now: 62)  // 2 s
        #expect(cache.check(key: "good", now: 63.9).startFetch == false)
        #expect(cache.refreshIfDue(now: 64) == true)
        // Backoff grows 1, 2, 4 … and stops at 60 s.
        var now = 64.0
        for _ in 0..<10 {
            cache.fetchFailed(now: now)
            now += 60
            #expect(cache.refreshIfDue(now: now) == true)
        }
        cache.fetchFailed(now: now)
        #expect(cache.refreshIfDue(now: now + 59.9) == false)
        #expect(cache.refreshIfDue(now: now + 60) == true)
        #expect(cache.check(key: "good", now: now + 60) == Outcome(decision: .allow, startFetch: false))
    }

    @Test func staticKeysWorkWithoutAnyFetch() {
        var cache = APIKeyCache(staticKeys: Self.keys, secretConfigured: false, allowUnauthenticated: false, ttl: 3600)
        #expect(cache.hasKeySet)
        #expect(cache.check(key: "good", now: 0) == Outcome(decision: .allow, startFetch: false))
        #expect(cache.check(key: "bad", now: 0) == Outcome(decision: .deny, startFetch: false))
        #expect(cache.check(key: nil, now: 0) == Outcome(decision: .deny, startFetch: false))
        #expect(cache.check(key: "good", now: 1e9) == Outcome(decision: .allow, startFetch: false))
        #expect(!cache.fetchInFlight)
    }

    @Test func staticKeysWithASecretPassBeforeTheFirstFetch() {
        var cache = APIKeyCache(
            staticKeys: APIKeySet(keys: ["local"]), secretConfigured: true, allowUnauthenticated: false, ttl: 3600)
        // The static key passes at once; the secret's first fetch starts in the background.
        #expect(cache.check(key: "local", now: 0) == Outcome(decision: .allow, startFetch: true))
        #expect(cache.check(key: "from-secret", now: 0.1) == Outcome(decision: .wait, startFetch: false))
    }

    @Test func allowUnauthenticatedWithNothingConfiguredAllows() {
        var cache = APIKeyCache(
            staticKeys: APIKeySet(keys: []), secretConfigured: false, allowUnauthenticated: true, ttl: 3600)
        #expect(cache.check(key: nil, now: 0) == Outcome(decision: .allow, startFetch: false))
        #expect(cache.check(key: "anything", now: 0) == Outcome(decision: .allow, startFetch: false))
        // With keys configured, ALLOW_UNAUTHENTICATED does not open the door.
        var keyed = APIKeyCache(staticKeys: Self.keys, secretConfigured: false, allowUnauthenticated: true, ttl: 3600)
        #expect(keyed.check(key: nil, now: 0).decision == .deny)
        #expect(keyed.check(key: "bad", now: 0).decision == .deny)
    }
}

/// The remembered grants (`RecentGrants`) never outlive the key sets they came from.
@Suite("APIKeyCache remembered grants")
struct APIKeyCacheRecentGrantsTests {
    @Test func aRevokedKeyStopsPassingWithTheFetchThatDropsIt() {
        var cache = APIKeyCacheTests.warmCache()
        #expect(cache.checkGranting(key: "good", now: 1).outcome.decision == .allow)
        #expect(cache.checkGranting(key: "good", now: 2).outcome.decision == .allow)
        cache.fetchSucceeded(APIKeySet(keys: ["other-good"]), now: 3)
        #expect(cache.checkGranting(key: "good", now: 4, afterFetch: true).outcome.decision == .deny)
        #expect(cache.checkGranting(key: "other-good", now: 4).outcome.decision == .allow)
    }

    @Test func aRescopedKeyGetsItsNewGrant() {
        var cache = APIKeyCacheTests.warmCache()
        #expect(cache.checkGranting(key: "good", now: 1).grant?.models == nil)
        cache.fetchSucceeded(APIKeySet(entries: [.init(key: "good", name: "team", models: ["m"])]), now: 2)
        let again = cache.checkGranting(key: "good", now: 3)
        #expect(again.grant?.name == "team")
        #expect(again.grant?.models == ["m"])
    }

    @Test func aRememberedKeyGetsTheSameOutcomeAndGrant() {
        var cache = APIKeyCache(
            staticKeys: APIKeySet(entries: [.init(key: "static", name: "s")]), secretConfigured: true,
            allowUnauthenticated: false, ttl: 10)
        _ = cache.check(key: "x", now: 0)
        cache.fetchSucceeded(APIKeySet(keys: ["fetched"]), now: 0)
        let first = cache.checkGranting(key: "fetched", now: 1)
        let second = cache.checkGranting(key: "fetched", now: 2)
        #expect(first.grant == second.grant)
        #expect(first.grant == cache.grant(for: "fetched"))
        #expect(cache.checkGranting(key: "static", now: 3).grant?.name == "s")
        #expect(cache.checkGranting(key: "static", now: 4).grant?.name == "s")
        // A stale set is still refreshed in the background when the key is served from memory.
        #expect(cache.checkGranting(key: "fetched", now: 11).outcome == .init(decision: .allow, startFetch: true))
    }
}
