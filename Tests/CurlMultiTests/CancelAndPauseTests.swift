import CurlMulti
import EventLoop
import Testing

@Suite("Cancellation and backpressure", .serialized)
struct CancelAndPauseTests {
    @Test func cancellingMidStreamFiresOnClientCloseOnce() throws {
        let fixture = try HTTPFixture()
        // The test's own: a timer shared between suites was replaced (and freed) by another test running in
        // parallel, so this loop was never stopped.
        var settleTimer: Timer?
        var exchange: HTTPExchange?
        var clientCloses = 0
        fixture.handler = { incoming in
            exchange = incoming
            incoming.onClientClose = {
                clientCloses += 1
                // Sending after the client left is a safe no-op.
                incoming.sendChunk(Array("late".utf8))
                incoming.finishStreaming()
                let settle = Timer(loop: fixture.loop) { fixture.loop.stop() }
                settle.schedule(after: 0.1)
                settleTimer = settle
            }
            incoming.startStreaming(status: 200, headers: [("Content-Type", "text/event-stream")])
            incoming.sendChunk(Array("data: first\n\n".utf8))
        }
        let transfer = CurlTransfer(method: "GET", url: fixture.baseURL + "/stream", headers: [], body: [])
        var received: [UInt8] = []
        var completions = 0
        transfer.onData = { [weak transfer] bytes in
            received += bytes
            // Cancelling from inside curl's own callback is deferred until curl returns.
            if let transfer { fixture.multi.cancel(transfer) }
            return .proceed
        }
        transfer.onComplete = { _ in completions += 1 }
        fixture.multi.add(transfer)
        #expect(fixture.run())
        #expect(clientCloses == 1)
        #expect(completions == 0)
        #expect(exchange?.isFinished == true)
        #expect(exchange?.clientClosed == true)
        #expect(exchange?.outputBufferedBytes == 0)
        #expect(fixture.multi.activeTransfers == 0)
        #expect(String(decoding: received, as: UTF8.self) == "data: first\n\n")
        #expect(settleTimer != nil)  // read, so the timer lives until here
    }

    @Test func clientLeavingBeforeAnyAnswerIsNoticed() throws {
        let fixture = try HTTPFixture()
        var exchange: HTTPExchange?
        var clientCloses = 0
        fixture.handler = { incoming in
            exchange = incoming  // the upstream is "slow": no answer yet
            incoming.onClientClose = {
                clientCloses += 1
                fixture.loop.stop()
            }
        }
        let transfer = CurlTransfer(
            method: "POST", url: fixture.baseURL + "/v1/chat/completions", headers: [], body: Array("{}".utf8))
        transfer.onComplete = { _ in Issue.record("a cancelled transfer must not complete") }
        fixture.multi.add(transfer)
        let canceller = Timer(loop: fixture.loop) { fixture.multi.cancel(transfer) }
        canceller.schedule(after: 0.2)
        #expect(fixture.run())
        #expect(clientCloses == 1)
        exchange?.respond(status: 200, headers: [], body: [])  // no-op now
        #expect(exchange?.isFinished == true)
    }

    @Test func pausingAndResumingDeliversEveryByteInOrder() throws {
        let run = try readPausingEveryThirdChunk(borrowed: false)
        #expect(run.succeeded)
        #expect(run.pauses > 2)
        #expect(run.body.count == run.payload.count)
        #expect(run.body == run.payload)
    }

    /// The same through `onDataBuffer`: each lent buffer is copied here and every byte arrives once, in order.
    @Test func pausingAndResumingThroughTheBorrowedBufferDeliversEveryByteInOrder() throws {
        let run = try readPausingEveryThirdChunk(borrowed: true)
        #expect(run.succeeded)
        #expect(run.pauses > 2)
        #expect(run.arrays == 0, "onDataBuffer is called instead of onData")
        #expect(run.body == run.payload)
    }

    /// A 3 MiB answer read with a pause at every third chunk, resumed 5 ms later: through `onData`, or with
    /// `borrowed` through `onDataBuffer` (each lent buffer copied). `arrays` counts `onData` calls then.
    private func readPausingEveryThirdChunk(borrowed: Bool) throws -> (
        succeeded: Bool, pauses: Int, arrays: Int, body: [UInt8], payload: [UInt8]
    ) {
        let fixture = try HTTPFixture()
        let payload = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 % 251) }
        fixture.handler = {
            $0.respond(status: 200, headers: [("Content-Type", "application/octet-stream")], body: payload)
        }
        let transfer = CurlTransfer(
            method: "GET", url: fixture.baseURL + "/big", headers: [], body: [], idleTimeout: 30)
        var calls = 0
        var pauses = 0
        var arrays = 0
        let resumer = Timer(loop: fixture.loop) { [weak transfer] in transfer?.resume() }
        let outcome = Outcome()
        func received(_ bytes: [UInt8]) -> CurlDataDisposition {
            outcome.chunks.append(bytes)
            calls += 1
            guard calls % 3 == 0 else { return .proceed }
            pauses += 1
            resumer.schedule(after: 0.005)
            return .pause
        }
        if borrowed {
            transfer.onData = { _ in
                arrays += 1
                return .proceed
            }
            transfer.onDataBuffer = { received(Array($0)) }
        } else {
            transfer.onData = { received($0) }
        }
        let result = fixture.perform(transfer, timeout: 30)
        return (result.succeeded, pauses, arrays, outcome.body, payload)
    }

    @Test func resumingFromInsideOnDataIsSafe() throws {
        let fixture = try HTTPFixture()
        let payload = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 % 253) }
        fixture.handler = { $0.respond(status: 200, headers: [], body: payload) }
        let transfer = CurlTransfer(method: "GET", url: fixture.baseURL + "/big", headers: [], body: [])
        let outcome = Outcome()
        transfer.onData = { [weak transfer] bytes in
            outcome.chunks.append(bytes)
            // Pause and immediately resume: the resume is deferred until curl returns.
            transfer?.resume()
            return .pause
        }
        let result = fixture.perform(transfer)
        #expect(result.succeeded)
        #expect(outcome.body == payload)
    }
}
