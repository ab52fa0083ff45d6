import CLibevent

/// A one-shot timer on the loop; `schedule` again to re-arm (it replaces a pending deadline).
///
/// Files that also import Foundation see two `Timer`s; write `EventLoop.Timer` there (the module and
/// the loop class share a name, so the nested alias below is what makes that spelling work).
package final class Timer {
    private let loop: EventLoop
    private let handler: () -> Void
    private var event: OpaquePointer?

    package init(loop: EventLoop, handler: @escaping () -> Void) {
        self.loop = loop
        self.handler = handler
        // passUnretained: deinit frees the event, so the registration never outlives self.
        event = gw_evtimer_new(loop.base, timerFired, Unmanaged.passUnretained(self).toOpaque())
    }

    deinit {
        if let event { event_free(event) }
    }

    /// Fires the handler once, `seconds` from now.
    package func schedule(after seconds: Double) {
        guard let event else { return }
        var tv = timeval(seconds: seconds)
        _ = event_add(event, &tv)
    }

    package func cancel() {
        guard let event else { return }
        _ = event_del(event)
    }

    /// Whether a deadline is pending.
    package var isScheduled: Bool {
        guard let event else { return false }
        return event_pending(event, Int16(EV_TIMEOUT), nil) != 0
    }

    fileprivate func fire() { handler() }
}

private func timerFired(_: Int32, _: Int16, _ context: UnsafeMutableRawPointer?) {
    guard let context else { return }
    let timer = Unmanaged<Timer>.fromOpaque(context).takeUnretainedValue()
    // The handler may drop the last reference; keep the object alive until it returns.
    withExtendedLifetime(timer) { timer.fire() }
}

extension EventLoop {
    /// `EventLoop.Timer`, for files where Foundation's `Timer` is also visible.
    package typealias Timer = EventLoopTimer
}

/// The loop timer under a name no other module uses.
package typealias EventLoopTimer = Timer
