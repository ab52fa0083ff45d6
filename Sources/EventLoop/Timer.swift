import CLibevent

/// A one-shot timer on the loop; `schedule` again to re-arm (it replaces a pending deadline).
///
/// Files that also import Foundation see two `Timer`s; write `EventLoop.Timer` there (the module and
/// the loop class share a name, so the nested alias below is what makes that spelling work).
package final class Timer {
    private let loop: EventLoop
    private let handler: () -> Void
    private let event: OpaquePointer

    package init(loop: EventLoop, handler: @escaping () -> Void) {
        self.loop = loop
        self.handler = handler
        // evtimer_new only allocates: NULL is malloc failing. A timer that silently never fires (the
        // drain deadline, a request timeout) is worse than stopping, so that traps as Swift's own
        // allocations do. `self` is not yet fully initialized, hence the context set right after.
        guard let event = gw_evtimer_new(loop.base, timerFired, nil) else { fatalError("evtimer_new: out of memory") }
        self.event = event
        // passUnretained: deinit frees the event, so the registration never outlives self.
        guard event_assign(event, loop.base, -1, 0, timerFired, Unmanaged.passUnretained(self).toOpaque()) == 0 else {
            fatalError("event_assign(timer) failed")
        }
    }

    deinit {
        event_free(event)
    }

    /// Fires the handler once, `seconds` from now.
    package func schedule(after seconds: Double) {
        var tv = timeval(seconds: seconds)
        // A timer's event_add fails only when the timeout heap cannot grow (malloc failing): trap, as above.
        guard event_add(event, &tv) == 0 else { fatalError("event_add(timer): out of memory") }
    }

    package func cancel() {
        // event_del fails only for an event with no base, which an evtimer_new event never is.
        _ = event_del(event)
    }

    /// Whether a deadline is pending.
    package var isScheduled: Bool {
        event_pending(event, Int16(EV_TIMEOUT), nil) != 0
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
