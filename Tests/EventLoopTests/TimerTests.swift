import EventLoop
import Glibc
import Testing

@Suite("Timer and SignalWatcher")
struct TimerTests {
    @Test func timerFiresOnceAfterItsDelay() throws {
        let loop = try EventLoop()
        var fired = 0
        let timer = Timer(loop: loop) {
            fired += 1
            loop.stop()
        }
        timer.schedule(after: 0.05)
        #expect(timer.isScheduled)
        #expect(runLoop(loop))
        #expect(fired == 1)
        #expect(!timer.isScheduled)
    }

    @Test func cancelledTimerDoesNotFireAndRescheduleReplacesDeadline() throws {
        let loop = try EventLoop()
        var order: [String] = []
        let cancelled = Timer(loop: loop) { order.append("cancelled") }
        let rearmed = Timer(loop: loop) {
            order.append("rearmed")
            loop.stop()
        }
        cancelled.schedule(after: 0.02)
        cancelled.cancel()
        rearmed.schedule(after: 5)
        rearmed.schedule(after: 0.05)
        #expect(runLoop(loop, timeout: 3))
        #expect(order == ["rearmed"])
    }

    @Test func signalWatcherRunsOnTheLoop() throws {
        let loop = try EventLoop()
        var received = 0
        let watcher = try SignalWatcher(loop: loop, signal: SIGUSR2) {
            received += 1
            loop.stop()
        }
        let sender = Timer(loop: loop) { kill(getpid(), SIGUSR2) }
        sender.schedule(after: 0.02)
        #expect(runLoop(loop))
        #expect(received == 1)
        withExtendedLifetime(watcher) {}
    }
}
