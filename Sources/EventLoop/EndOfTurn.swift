import CLibevent

/// Something with output to send once the loop callback that produced it has returned.
package protocol EndOfTurnFlushing: AnyObject {
    func flushAtEndOfTurn()
}

/// Runs each scheduled object's flush once the current loop callback returns, before the loop polls
/// again: a read that renders 40 tokens for one client leaves in one write instead of 40, and without
/// arming a write event (epoll_ctl twice and an extra wake-up per token) when the kernel takes it all.
///
/// Its per-request stored properties are `@exclusivity(unchecked)` (see `EventLoop`'s note on it).
package final class EndOfTurn {
    private var event: OpaquePointer?
    @exclusivity(unchecked) private var pending: [any EndOfTurnFlushing] = []
    /// The items being flushed: swapped with `pending` on each turn so that both keep their buffers, where a
    /// copy of `pending` made it allocate a new one every turn.
    @exclusivity(unchecked) private var firing: [any EndOfTurnFlushing] = []

    package init(loop: EventLoop) {
        // passUnretained: deinit frees the event, so the callback never outlives self. event_new only
        // allocates: NULL is malloc failing, which traps as Swift's own allocations do.
        guard let event = event_new(loop.base, -1, 0, endOfTurnFired, Unmanaged.passUnretained(self).toOpaque())
        else { fatalError("event_new: out of memory") }
        self.event = event
    }

    deinit {
        if let event { event_free(event) }
    }

    /// Inside `flushingAfter`: what is scheduled meanwhile is flushed when it returns, not by the event.
    @exclusivity(unchecked) private var batching = 0

    /// Queues `item` (once per turn is the caller's to keep: each schedule is one flush call).
    package func schedule(_ item: any EndOfTurnFlushing) {
        if pending.isEmpty, batching == 0, let event { event_active(event, 0, 0) }
        pending.append(item)
    }

    /// Runs `body`, a loop callback's whole work, and then flushes what it scheduled, as the event would have
    /// once the callback returned, without activating the event: activating, queueing and dispatching it cost
    /// some 120 instructions a wake-up, each lone streamed token's. What the flushes schedule in turn waits for
    /// the event, as always.
    package func flushingAfter(_ body: () -> Void) {
        batching += 1
        body()
        batching -= 1
        guard batching == 0, !pending.isEmpty else { return }
        fire()
        if !pending.isEmpty, let event { event_active(event, 0, 0) }
    }

    fileprivate func fire() {
        // Items scheduled by a flush land in the now empty `pending`, and so in the next turn, as before.
        swap(&pending, &firing)
        for item in firing { item.flushAtEndOfTurn() }
        // Popped, not `removeAll(keepingCapacity:)`: that one replaced the range and destroyed it through the
        // element type's metadata, some 120 instructions a turn for the one or two items a turn has.
        while firing.popLast() != nil {}
    }
}

/// Writes what a socket bufferevent has queued straight to its socket, now, and returns the bytes the
/// kernel left. The bufferevent keeps its output's front frozen against draining except while it writes
/// itself, so the write is bracketed the same way; a failure other than a full socket is left for the
/// bufferevent to meet when its write event runs.
func writeQueuedOutput(of bufferEvent: OpaquePointer) -> Int {
    let output = bufferevent_get_output(bufferEvent)
    guard evbuffer_get_length(output) > 0 else { return 0 }
    _ = evbuffer_unfreeze(output, 1)
    _ = evbuffer_write(output, bufferevent_getfd(bufferEvent))
    _ = evbuffer_freeze(output, 1)
    return evbuffer_get_length(output)
}

private func endOfTurnFired(_: Int32, _: Int16, _ context: UnsafeMutableRawPointer?) {
    guard let context else { return }
    let flusher = Unmanaged<EndOfTurn>.fromOpaque(context).takeUnretainedValue()
    withExtendedLifetime(flusher) { flusher.fire() }
}
