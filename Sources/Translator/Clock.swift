import FoundationEssentials

/// Wall-clock seconds since the epoch: credential expiry and key TTLs are compared against it.
func nowSeconds() -> Double { Date().timeIntervalSince1970 }

/// `Date()` without importing Foundation where libevent's `Timer` is in scope.
func currentDate() -> Date { Date() }
