import CLibevent
import Glibc

/// One libevent `event_base`: the single thread everything in this module runs on.
///
/// Every object created with a loop keeps a strong reference to it, so the base is freed only after
/// every event, bufferevent and evhttp that lives on it. None of these objects is thread-safe: create,
/// use and drop them on the thread that calls `run()`.
package final class EventLoop {
    /// The `event_base*`, for CurlMulti's socket and timer events.
    package let base: OpaquePointer

    package init() throws(EventLoopError) {
        guard let base = event_base_new() else { throw .libevent("event_base_new") }
        self.base = base
    }

    private var endOfTurnStorage: EndOfTurn?

    /// Flushes deferred to the end of the current loop callback (`EndOfTurn`).
    package var endOfTurn: EndOfTurn {
        if let flusher = endOfTurnStorage { return flusher }
        let flusher = EndOfTurn(loop: self)
        endOfTurnStorage = flusher
        return flusher
    }

    deinit {
        // Its event lives on the base: freed first.
        endOfTurnStorage = nil
        event_base_free(base)
    }

    /// Runs `event_base_dispatch` until `stop()` is called or no event is pending.
    package func run() {
        _ = event_base_dispatch(base)
    }

    /// Makes `run()` return after the callback that is running now.
    package func stop() {
        _ = event_base_loopbreak(base)
    }
}

/// Writing to a socket whose peer has gone must give EPIPE, not kill the process: libevent writes with
/// `writev`, which raises SIGPIPE. Call once at start-up.
package func ignoreSIGPIPE() {
    _ = gw_ignore_sigpipe()
}

/// `struct timeval` for a duration in seconds (negative counts as zero).
func timeval(seconds: Double) -> timeval {
    let clamped = max(0, seconds)
    let whole = clamped.rounded(.down)
    return Glibc.timeval(tv_sec: Int(whole), tv_usec: Int((clamped - whole) * 1_000_000))
}
