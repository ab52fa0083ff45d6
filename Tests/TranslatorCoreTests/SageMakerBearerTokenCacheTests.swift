import AWSSigV4
import Foundation
import Testing

@testable import TranslatorCore

/// When `SageMakerBearerTokenCache` mints a new token, with the clock injected.
@Suite("SageMakerBearerTokenCache")
struct SageMakerBearerTokenCacheTests {
    static let first = AWSCredentials(accessKeyId: "ASIA1", secretAccessKey: "s1", sessionToken: "t1")
    static let start = Date(timeIntervalSince1970: 1_779_354_942)
    static let hour = 3600.0

    func at(_ seconds: Double) -> Date { Self.start.addingTimeInterval(seconds) }

    @Test func firstUseMints() {
        var cache = SageMakerBearerTokenCache(region: "us-east-1")
        #expect(cache.mintReason(for: Self.first, now: Self.start) == .noToken)
        let token = cache.token(for: Self.first, now: Self.start)
        #expect(token == SageMakerBearerToken.mint(credentials: Self.first, region: "us-east-1", at: Self.start))
        #expect(token.expiration == at(12 * Self.hour))
        #expect(cache.mintReason(for: Self.first, now: Self.start) == nil)
    }

    @Test func keptUntilAQuarterOfTheLifetimeIsLeft() {
        var cache = SageMakerBearerTokenCache(region: "us-east-1")
        #expect(cache.renewalWindow == 3 * Self.hour)
        let token = cache.token(for: Self.first, now: Self.start)
        #expect(cache.token(for: Self.first, now: at(1)) == token)
        #expect(cache.mintReason(for: Self.first, now: at(9 * Self.hour)) == nil)
        #expect(cache.token(for: Self.first, now: at(9 * Self.hour)) == token)
        #expect(cache.mintReason(for: Self.first, now: at(9 * Self.hour + 1)) == .nearExpiry)
        let next = cache.token(for: Self.first, now: at(9 * Self.hour + 1))
        #expect(next != token)
        #expect(next.issuedAt == at(9 * Self.hour + 1))
        #expect(cache.mintReason(for: Self.first, now: at(9 * Self.hour + 2)) == nil)
        // Long past its expiry (a process that slept) is the same decision.
        #expect(cache.mintReason(for: Self.first, now: at(100 * Self.hour)) == .nearExpiry)
    }

    @Test func shortLifetimesKeepAWindowOfFifteenMinutesOrHalf() {
        // 30 minutes: a quarter is 7.5 minutes, so 15 minutes is kept.
        #expect(SageMakerBearerTokenCache(region: "us-east-1", lifetime: 1800).renewalWindow == 900)
        // 60 seconds: 15 minutes would mint on every request, so half the lifetime.
        var short = SageMakerBearerTokenCache(region: "us-east-1", lifetime: 60)
        #expect(short.renewalWindow == 30)
        let token = short.token(for: Self.first, now: Self.start)
        #expect(short.token(for: Self.first, now: at(30)) == token)
        #expect(short.mintReason(for: Self.first, now: at(31)) == .nearExpiry)
        // Lifetimes are clamped to what the token allows.
        #expect(SageMakerBearerTokenCache(region: "us-east-1", lifetime: 100_000).lifetime == 43_200)
        #expect(SageMakerBearerTokenCache(region: "us-east-1", lifetime: 0).lifetime == 1)
    }

    @Test func changedCredentialsMint() {
        var cache = SageMakerBearerTokenCache(region: "us-east-1")
        let token = cache.token(for: Self.first, now: Self.start)

        let otherKey = AWSCredentials(accessKeyId: "ASIA2", secretAccessKey: "s1", sessionToken: "t1")
        #expect(cache.mintReason(for: otherKey, now: at(60)) == .credentialsChanged)
        // A refreshed session keeps the key id for some providers; the token alone differs.
        let otherToken = AWSCredentials(accessKeyId: "ASIA1", secretAccessKey: "s1", sessionToken: "t2")
        #expect(cache.mintReason(for: otherToken, now: at(60)) == .credentialsChanged)
        let noToken = AWSCredentials(accessKeyId: "ASIA1", secretAccessKey: "s1")
        #expect(cache.mintReason(for: noToken, now: at(60)) == .credentialsChanged)

        let refreshed = cache.token(for: otherToken, now: at(60))
        #expect(refreshed != token)
        #expect(refreshed == SageMakerBearerToken.mint(credentials: otherToken, region: "us-east-1", at: at(60)))
        #expect(cache.mintReason(for: otherToken, now: at(61)) == nil)
        // Going back to the first credentials is a change again.
        #expect(cache.mintReason(for: Self.first, now: at(61)) == .credentialsChanged)
    }

    @Test func clockGoingBackMints() {
        var cache = SageMakerBearerTokenCache(region: "us-east-1")
        _ = cache.token(for: Self.first, now: Self.start)
        #expect(cache.mintReason(for: Self.first, now: at(-1)) == .clockWentBack)
        let token = cache.token(for: Self.first, now: at(-600))
        #expect(token.issuedAt == at(-600))
    }

    @Test func tokensVerifyForTheirRegion() {
        var cache = SageMakerBearerTokenCache(region: "eu-central-1", lifetime: 900)
        let token = cache.token(for: Self.first, now: Self.start)
        let verifier = SageMakerBearerTokenVerifier(region: "eu-central-1") { _ in ("s1", "t1") }
        #expect(
            verifier.verify(authorization: token.authorization, now: at(899))
                == .success(.init(accessKeyId: "ASIA1", expiration: at(900))))
    }
}
