import CLibevent
import Glibc

/// One libevent `event_base`: the single thread everything in this module runs on.
///
/// Every object created with a loop keeps a strong reference to it, so the base is freed only after
/// every event, bufferevent and evhttp that lives on it. None of these objects is thread-safe: create,
/// use and drop them on the thread that calls `run()`.
///
/// Exclusivity: the stored properties that every request or token touches, here and in the shim's and
/// the HTTP server's classes, are `@exclusivity(unchecked)`. Each belongs to one loop thread, and each
/// access to them is a plain read, write or pure in-place mutation with no callback run inside it, so no
/// two accesses can overlap; the runtime check cost some 95 instructions an access, about 45 accesses a
/// proxied request (some 4,000 instructions, 5% of the shim's CPU per request).
package final class EventLoop {
    /// The `event_base*`, for CurlMulti's socket and timer events.
    package let base: OpaquePointer

    /// `batchingEpollChanges`: epoll changes wait for the next `epoll_wait`, and a change undone in the same
    /// turn costs nothing (libevent's changelist). evhttp turns a connection's read event off and on around
    /// every request and its write event on and off around every reply: three `epoll_ctl` calls a request
    /// for the shim. The price is that epoll refusing a descriptor is no longer reported by `event_add`
    /// (libevent logs it when it applies the change), which `SocketWatcher` relies on for curl's sockets:
    /// so the translator does not batch. libevent warns only against fds cloned with dup(), which nothing
    /// here makes.
    package init(batchingEpollChanges: Bool = false) throws(EventLoopError) {
        LibeventLog.installed
        guard let config = event_config_new() else { throw .libevent("event_config_new") }
        defer { event_config_free(config) }
        if batchingEpollChanges {
            _ = event_config_set_flag(config, Int32(EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST.rawValue))
        }
        guard let base = event_base_new_with_config(config) else { throw .libevent("event_base_new") }
        self.base = base
    }

    @exclusivity(unchecked) private var endOfTurnStorage: EndOfTurn?

    /// Where `StreamConnection`s read into: the loop runs one read callback at a time, and each hands
    /// the bytes on before it returns, so one buffer serves every connection on the loop.
    var readScratch: UnsafeMutableRawBufferPointer {
        if let scratch = readScratchStorage { return scratch }
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 16)
        readScratchStorage = scratch
        return scratch
    }
    @exclusivity(unchecked) private var readScratchStorage: UnsafeMutableRawBufferPointer?

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
        // Callbacks libevent deferred to later in a turn that `stop()` cut short (a reply's written-callback,
        // `HTTPExchange.sendReplyNow`) each hold a reference to their bufferevent; their owners are all gone
        // by now (everything on the loop holds the loop), so running them frees those bufferevents instead of
        // leaking them with the base.
        _ = event_base_loop(base, EVLOOP_NONBLOCK)
        event_base_free(base)
        readScratchStorage?.deallocate()
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
