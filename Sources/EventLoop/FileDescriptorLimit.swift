import Glibc

/// The process's open-file limit. Each HTTP stream costs the shim two descriptors (client and translator
/// socket) and the translator two more, and container runtimes often start processes with a soft limit
/// of 1024 under a much higher hard limit; so both processes raise the soft limit to the hard one.
package enum FileDescriptorLimit {
    /// Raises the soft `RLIMIT_NOFILE` to the hard limit and returns the soft limit now in force
    /// (`RLIM_INFINITY`, all bits set, which Swift cannot import, reads as `Int.max`).
    @discardableResult
    package static func raiseToHardLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return limit.rlim_cur == rlim_t.max ? Int.max : Int(clamping: limit.rlim_cur)
    }

    /// The soft limit as it is now.
    package static var current: Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        return limit.rlim_cur == rlim_t.max ? Int.max : Int(clamping: limit.rlim_cur)
    }
}
