import Glibc

/// The one clock type of the gateway's processes, handed to whatever needs the time so that tests can
/// pass a clock they move by hand. It has two readings that are not interchangeable:
/// - `monotonic` never jumps (CLOCK_MONOTONIC): every TTL, timeout, backoff and duration;
/// - `wall` is the calendar (CLOCK_REALTIME), which NTP may step: only for what is compared with other
///   machines' clocks (credential expiry, SigV4 and token dates, `created` fields).
/// Pure state machines (APIKeyCache, ExpiringCredentials, HTTPConnectionGuard) take the reading as a
/// `now:` value instead, so they need no clock at all.
package struct GatewayClock: Sendable {
    /// Seconds on a clock that never jumps; its zero is arbitrary.
    package let monotonic: @Sendable () -> Double
    /// Seconds since the Unix epoch.
    package let wall: @Sendable () -> Double

    package init(monotonic: @escaping @Sendable () -> Double, wall: @escaping @Sendable () -> Double) {
        self.monotonic = monotonic
        self.wall = wall
    }

    package static let system = GatewayClock(
        monotonic: { seconds(CLOCK_MONOTONIC) }, wall: { seconds(CLOCK_REALTIME) })

    private static func seconds(_ clock: clockid_t) -> Double {
        var now = timespec()
        // Fails only for an unknown clock id; these two exist on every Linux.
        clock_gettime(clock, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1_000_000_000
    }
}

/// `GatewayClock.system.monotonic()`, for this module's deadlines (evhttp's connections have no owner
/// to hand a clock to; the rules they feed take `now:` and are tested with made-up readings).
func monotonicNow() -> Double { GatewayClock.system.monotonic() }
