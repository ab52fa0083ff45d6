#if canImport(Glibc)
    import Glibc
#endif

/// Elapsed seconds on CLOCK_MONOTONIC, for durations that must not jump when NTP steps the wall clock.
package struct Stopwatch: Sendable {
    private let start: Double

    package init() { start = Stopwatch.now() }

    package var elapsed: Double { Stopwatch.now() - start }

    package static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
