import AWSSigV4

/// Temporary credentials with their expiry, refreshed like botocore's RefreshableCredentials: a
/// background refresh from 15 minutes before expiry while requests keep signing with the current
/// ones; requests wait only inside the last 10 minutes (or when there are none); never sign with
/// expired credentials; one refresh in flight at a time. Time is injected: wall-clock seconds since the
/// epoch, because expirations are AWS's calendar times. The one duration here, the second between a
/// failed refresh and the next, therefore copes with the wall clock stepping back.
package struct ExpiringCredentials: Sendable {
    package enum Decision: Equatable, Sendable {
        case use(AWSCredentials)
        /// Park the request until `refreshCompleted`.
        case wait
        /// Refreshing failed and nothing valid is left.
        case unavailable(String)
    }

    package struct Outcome: Equatable, Sendable {
        package var decision: Decision
        package var startRefresh: Bool
    }

    package let advisoryWindow: Double
    package let mandatoryWindow: Double
    private var current: AWSCredentials?
    private var expiration: Double?
    private var lifetime: Double = .infinity
    private var inFlight = false
    private var lastError: String?
    /// When the last refresh failed; the next waits a second after it.
    private var failedAt: Double?

    package init(advisoryWindow: Double = 15 * 60, mandatoryWindow: Double = 10 * 60) {
        self.advisoryWindow = advisoryWindow
        self.mandatoryWindow = mandatoryWindow
    }

    package var expiresAt: Double? { expiration }
    /// Whether a refresh has started and not yet ended.
    package var refreshInFlight: Bool { inFlight }

    package mutating func credentials(now: Double) -> Outcome {
        guard let current else {
            if inFlight { return Outcome(decision: .wait, startRefresh: false) }
            if startIfAllowed(now: now) { return Outcome(decision: .wait, startRefresh: true) }
            return Outcome(decision: .unavailable(lastError ?? "no credentials yet"), startRefresh: false)
        }
        guard let expiration else { return Outcome(decision: .use(current), startRefresh: false) }
        let remaining = expiration - now
        // Short-lived credentials (a 20-second test lifetime, say) scale the windows down, or every
        // request would land in the mandatory window and wait for a refresh.
        let advisory = min(advisoryWindow, lifetime * 0.5)
        let mandatory = min(mandatoryWindow, lifetime * 0.25)
        if remaining > advisory { return Outcome(decision: .use(current), startRefresh: false) }
        if remaining > mandatory { return Outcome(decision: .use(current), startRefresh: startIfAllowed(now: now)) }
        if startIfAllowed(now: now) { return Outcome(decision: .wait, startRefresh: true) }
        if inFlight { return Outcome(decision: .wait, startRefresh: false) }
        // A refresh just failed: still-valid credentials beat failing the request; expired ones are never used.
        if remaining > 0 { return Outcome(decision: .use(current), startRefresh: false) }
        return Outcome(decision: .unavailable(lastError ?? "credentials expired"), startRefresh: false)
    }

    private mutating func startIfAllowed(now: Double) -> Bool {
        guard !inFlight else { return false }
        // `now < failedAt`: the wall clock stepped back (NTP); the second has passed on any clock that
        // does not, so retry rather than wait out the step.
        if let failedAt, now >= failedAt, now < failedAt + 1 { return false }
        inFlight = true
        return true
    }

    package mutating func refreshSucceeded(_ credentials: AWSCredentials, expiration: Double?, now: Double) {
        inFlight = false
        current = credentials
        self.expiration = expiration
        lifetime = expiration.map { max(0, $0 - now) } ?? .infinity
        lastError = nil
        failedAt = nil
    }

    package mutating func refreshFailed(_ reason: String, now: Double) {
        inFlight = false
        lastError = reason
        failedAt = now
    }
}
