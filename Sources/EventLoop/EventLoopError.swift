import Glibc

/// The one error type of the EventLoop module; C failures are converted here and nowhere else.
package enum EventLoopError: Error, Equatable {
    /// A libevent call failed; the string names it.
    case libevent(String)
    /// A socket call failed with `errno`.
    case socket(String, errno: Int32)
    /// The address (TCP host:port or Unix socket path) is taken by someone else.
    case addressInUse(String)

    /// Converts the current `errno` after a failed socket call named `call`.
    static func fromErrno(_ call: String, _ code: Int32 = errno) -> EventLoopError {
        if code == EADDRINUSE { return .addressInUse(call) }
        return .socket(call, errno: code)
    }
}
