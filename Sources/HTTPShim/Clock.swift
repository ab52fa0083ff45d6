#if canImport(Glibc)
    import Glibc
#endif

/// Seconds since the epoch for `created` fields.
func unixTime() -> Int { Int(time(nil)) }

/// Seconds on a clock that never jumps, for durations.
func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
