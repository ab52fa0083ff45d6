import EventLoop
import Testing

@Suite("EndOfTurn")
struct EndOfTurnTests {
    final class Recorder: EndOfTurnFlushing {
        var onFlush: (() -> Void)?

        func flushAtEndOfTurn() { onFlush?() }
    }

    /// What a callback schedules inside `flushingAfter` is flushed as it returns, in order, before anything the
    /// loop runs next; what a flush schedules waits for the event, as without it.
    @Test func flushingAfterFlushesAsTheCallbackReturns() throws {
        let loop = try EventLoop()
        let first = Recorder()
        let second = Recorder()
        let later = Recorder()
        var order: [String] = []
        first.onFlush = { order.append("first") }
        second.onFlush = {
            order.append("second")
            loop.endOfTurn.schedule(later)
        }
        later.onFlush = {
            order.append("later")
            loop.stop()
        }
        let start = Timer(loop: loop) {
            loop.endOfTurn.flushingAfter {
                loop.endOfTurn.schedule(first)
                loop.endOfTurn.flushingAfter { loop.endOfTurn.schedule(second) }
                // Nested: nothing is flushed before the outer callback returns.
                order.append("body")
            }
            order.append("returned")
        }
        start.schedule(after: 0.01)
        #expect(runLoop(loop, timeout: 3))
        #expect(order == ["body", "first", "second", "returned", "later"])
    }
}
