#if canImport(Glibc)
    import Glibc
#endif

/// Seconds since the epoch for `created` fields.
func unixTime() -> Int { Int(time(nil)) }
