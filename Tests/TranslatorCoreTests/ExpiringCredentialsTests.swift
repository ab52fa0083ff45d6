import AWSSigV4
import Testing

@testable import TranslatorCore

@Suite("ExpiringCredentials")
struct ExpiringCredentialsTests {
    typealias Outcome = ExpiringCredentials.Outcome
    static let first = AWSCredentials(accessKeyId: "ASIA1", secretAccessKey: "s1", sessionToken: "t1")
    static let second = AWSCredentials(accessKeyId: "ASIA2", secretAccessKey: "s2", sessionToken: "t2")
    static let hour = 3600.0

    /// Credentials fetched at t=0 that expire in an hour (15 min advisory, 10 min mandatory).
    static func hourLong() -> ExpiringCredentials {
        var provider = ExpiringCredentials()
        _ = provider.credentials(now: 0)
        provider.refreshSucceeded(first, expiration: hour, now: 0)
        return provider
    }

    @Test func noCredentialsWaitForOneRefresh() {
        var provider = ExpiringCredentials()
        #expect(provider.credentials(now: 0) == Outcome(decision: .wait, startRefresh: true))
        #expect(provider.credentials(now: 0.1) == Outcome(decision: .wait, startRefresh: false))
        #expect(provider.credentials(now: 0.2) == Outcome(decision: .wait, startRefresh: false))
        provider.refreshSucceeded(Self.first, expiration: Self.hour, now: 1)
        #expect(provider.expiresAt == Self.hour)
        #expect(provider.credentials(now: 1) == Outcome(decision: .use(Self.first), startRefresh: false))
    }

    @Test func firstRefreshFailingIsUnavailableThenRetried() {
        var provider = ExpiringCredentials()
        _ = provider.credentials(now: 0)
        provider.refreshFailed("connection refused", now: 1)
        #expect(
            provider.credentials(now: 1.5) == Outcome(decision: .unavailable("connection refused"), startRefresh: false)
        )
        #expect(provider.credentials(now: 2) == Outcome(decision: .wait, startRefresh: true))
    }

    /// What a caller that was told to wait asks before parking: a refresh that failed at once has ended already.
    @Test func refreshInFlightFollowsTheRefresh() {
        var provider = ExpiringCredentials()
        #expect(!provider.refreshInFlight)
        _ = provider.credentials(now: 0)
        #expect(provider.refreshInFlight)
        provider.refreshFailed("no source", now: 0)
        #expect(!provider.refreshInFlight)
        _ = provider.credentials(now: 1)
        #expect(provider.refreshInFlight)
        provider.refreshSucceeded(Self.first, expiration: Self.hour, now: 1)
        #expect(!provider.refreshInFlight)
    }

    /// Expiry is wall time, so a step back of the wall clock must not stall the retry for as long as the step.
    @Test func aWallClockSteppingBackDoesNotStallTheRetry() {
        var provider = ExpiringCredentials()
        _ = provider.credentials(now: 10_000)
        provider.refreshFailed("connection refused", now: 10_000)
        #expect(provider.credentials(now: 10_000.5).startRefresh == false)
        #expect(provider.credentials(now: 6_400) == Outcome(decision: .wait, startRefresh: true))
    }

    @Test func staticCredentialsAreUsedForever() {
        var provider = ExpiringCredentials()
        _ = provider.credentials(now: 0)
        provider.refreshSucceeded(Self.first, expiration: nil, now: 0)
        #expect(provider.expiresAt == nil)
        for now in [0.0, 1e6, 1e12] {
            #expect(provider.credentials(now: now) == Outcome(decision: .use(Self.first), startRefresh: false))
        }
    }

    @Test func outsideTheWindowsNoRefresh() {
        var provider = Self.hourLong()
        #expect(
            provider.credentials(now: Self.hour - 15 * 60 - 1)
                == Outcome(decision: .use(Self.first), startRefresh: false))
    }

    @Test func advisoryWindowUsesAndRefreshesOnceInTheBackground() {
        var provider = Self.hourLong()
        let advisoryStart = Self.hour - 15 * 60
        #expect(provider.credentials(now: advisoryStart) == Outcome(decision: .use(Self.first), startRefresh: true))
        #expect(
            provider.credentials(now: advisoryStart + 1) == Outcome(decision: .use(Self.first), startRefresh: false))
        #expect(
            provider.credentials(now: advisoryStart + 60) == Outcome(decision: .use(Self.first), startRefresh: false))
        provider.refreshSucceeded(Self.second, expiration: advisoryStart + 2 * Self.hour, now: advisoryStart + 61)
        #expect(
            provider.credentials(now: advisoryStart + 62) == Outcome(decision: .use(Self.second), startRefresh: false))
    }

    @Test func advisoryRefreshFailureKeepsUsingAndRetriesAfterBackoff() {
        var provider = Self.hourLong()
        let t = Self.hour - 14 * 60
        #expect(provider.credentials(now: t).startRefresh)
        provider.refreshFailed("timeout", now: t)
        #expect(provider.credentials(now: t + 0.5) == Outcome(decision: .use(Self.first), startRefresh: false))
        #expect(provider.credentials(now: t + 1) == Outcome(decision: .use(Self.first), startRefresh: true))
    }

    @Test func mandatoryWindowWaits() {
        var provider = Self.hourLong()
        let t = Self.hour - 10 * 60
        #expect(provider.credentials(now: t) == Outcome(decision: .wait, startRefresh: true))
        #expect(provider.credentials(now: t + 1) == Outcome(decision: .wait, startRefresh: false))
        provider.refreshSucceeded(Self.second, expiration: t + Self.hour, now: t + 2)
        #expect(provider.credentials(now: t + 2) == Outcome(decision: .use(Self.second), startRefresh: false))
    }

    @Test func failedRefreshInMandatoryWindowStillUsesValidCredentials() {
        var provider = Self.hourLong()
        let t = Self.hour - 5 * 60
        #expect(provider.credentials(now: t) == Outcome(decision: .wait, startRefresh: true))
        provider.refreshFailed("STS throttled", now: t)
        #expect(provider.credentials(now: t + 0.5) == Outcome(decision: .use(Self.first), startRefresh: false))
    }

    @Test func expiredCredentialsAreNeverUsed() {
        var provider = Self.hourLong()
        #expect(provider.credentials(now: Self.hour) == Outcome(decision: .wait, startRefresh: true))
        provider.refreshFailed("endpoint down", now: Self.hour)
        #expect(
            provider.credentials(now: Self.hour + 0.5)
                == Outcome(decision: .unavailable("endpoint down"), startRefresh: false))
        // Retried after the backoff; still never the expired credentials.
        #expect(provider.credentials(now: Self.hour + 1) == Outcome(decision: .wait, startRefresh: true))
        provider.refreshFailed("endpoint down", now: Self.hour + 1)
        #expect(provider.credentials(now: Self.hour + 1.5).decision == .unavailable("endpoint down"))
    }

    @Test func credentialsAlreadyExpiredOnArrivalAreNotUsed() {
        var provider = ExpiringCredentials()
        _ = provider.credentials(now: 100)
        provider.refreshSucceeded(Self.first, expiration: 50, now: 100)
        #expect(provider.credentials(now: 100) == Outcome(decision: .wait, startRefresh: true))
        provider.refreshFailed("still stale", now: 100)
        #expect(provider.credentials(now: 100.5).decision == .unavailable("still stale"))
    }

    @Test func shortLifetimesScaleTheWindows() {
        // A 20-second lifetime: used alone for the first half, used while refreshing for the next quarter,
        // waited on only in the last quarter.
        var provider = ExpiringCredentials()
        _ = provider.credentials(now: 0)
        provider.refreshSucceeded(Self.first, expiration: 20, now: 0)
        for now in stride(from: 0.0, through: 9.9, by: 0.5) {
            #expect(provider.credentials(now: now) == Outcome(decision: .use(Self.first), startRefresh: false))
        }
        #expect(provider.credentials(now: 10) == Outcome(decision: .use(Self.first), startRefresh: true))
        #expect(provider.credentials(now: 14.9) == Outcome(decision: .use(Self.first), startRefresh: false))
        provider.refreshFailed("slow", now: 14.9)
        #expect(provider.credentials(now: 15.9) == Outcome(decision: .wait, startRefresh: true))
    }
}
