import CLibevent

/// Readiness notifications for a file descriptor someone else owns (CurlMulti's sockets: curl opens
/// and closes them, libevent only watches). Level-triggered, like hiperfifo's `EV_PERSIST` events.
package final class SocketWatcher {
    private let loop: EventLoop
    private let fd: Int32
    private let handler: (_ readable: Bool, _ writable: Bool) -> Void
    private var event: OpaquePointer?
    private var interest: (readable: Bool, writable: Bool) = (false, false)

    package init(loop: EventLoop, fd: Int32, handler: @escaping (_ readable: Bool, _ writable: Bool) -> Void) {
        self.loop = loop
        self.fd = fd
        self.handler = handler
    }

    deinit {
        if let event { event_free(event) }
    }

    /// Replaces what is watched; both false stops watching. Throws when the loop's backend refuses the
    /// fd (epoll out of memory or watches, or an fd already closed): nothing is watched then.
    package func watch(readable: Bool, writable: Bool) throws(EventLoopError) {
        if event != nil, interest == (readable, writable) { return }
        if let event {
            event_free(event)
            self.event = nil
        }
        interest = (readable, writable)
        guard readable || writable else { return }
        var what = Int16(EV_PERSIST)
        if readable { what |= Int16(EV_READ) }
        if writable { what |= Int16(EV_WRITE) }
        // passUnretained: deinit frees the event, so the registration never outlives self.
        // event_new only allocates: NULL is malloc failing, which traps as Swift's own allocations do.
        guard let event = event_new(loop.base, fd, what, socketReady, Unmanaged.passUnretained(self).toOpaque())
        else { fatalError("event_new: out of memory") }
        guard event_add(event, nil) == 0 else {
            event_free(event)
            interest = (false, false)
            throw .libevent("event_add(fd \(fd))")
        }
        self.event = event
    }

    /// Registered with the loop for something.
    package var isWatching: Bool { event != nil }

    /// Watching for reading and nothing else.
    package var isWatchingOnlyReadable: Bool {
        event != nil && interest == (true, false)
    }

    fileprivate func fire(_ what: Int16) {
        handler(what & Int16(EV_READ) != 0, what & Int16(EV_WRITE) != 0)
    }
}

private func socketReady(_: Int32, _ what: Int16, _ context: UnsafeMutableRawPointer?) {
    guard let context else { return }
    let watcher = Unmanaged<SocketWatcher>.fromOpaque(context).takeUnretainedValue()
    withExtendedLifetime(watcher) { watcher.fire(what) }
}
