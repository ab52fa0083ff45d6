import CLibevent

/// Runs `handler` on the loop thread each time `signal` arrives (libevent's self-pipe), so a SIGTERM
/// handler can start draining with ordinary loop code. Stops watching when dropped.
package final class SignalWatcher {
    private let loop: EventLoop
    private let handler: () -> Void
    private var event: OpaquePointer?

    package init(loop: EventLoop, signal: Int32, handler: @escaping () -> Void) throws(EventLoopError) {
        self.loop = loop
        self.handler = handler
        // passUnretained: deinit frees the event, so the registration never outlives self.
        guard let event = gw_evsignal_new(loop.base, signal, signalArrived, Unmanaged.passUnretained(self).toOpaque())
        else { throw .libevent("evsignal_new") }
        self.event = event
        guard event_add(event, nil) == 0 else { throw .libevent("event_add(signal \(signal))") }
    }

    deinit {
        if let event { event_free(event) }
    }

    fileprivate func fire() { handler() }
}

private func signalArrived(_: Int32, _: Int16, _ context: UnsafeMutableRawPointer?) {
    guard let context else { return }
    let watcher = Unmanaged<SignalWatcher>.fromOpaque(context).takeUnretainedValue()
    withExtendedLifetime(watcher) { watcher.fire() }
}
