import CurlMulti
import EventLoop
import Testing

/// Transfers that finish in the same `curl_multi_socket_action` call are reaped together; a completion
/// that cancels a sibling of that batch frees the sibling's easy handle before its turn. The reaper must
/// not touch it afterwards (issue 12, finding 1).
@Suite("Cancelling a sibling from a completion", .serialized)
struct SiblingCancellationTests {
    final class Weak {
        weak var transfer: CurlTransfer?
        init(_ transfer: CurlTransfer) { self.transfer = transfer }
    }

    @Test func aCompletionMayCancelSiblingsOfItsBatch() throws {
        let fixture = try HTTPFixture()
        var settleTimer: Timer?
        var unanswered: [HTTPExchange] = []
        // A server that never answers: every transfer ends at the same total timeout, so curl's one timer
        // call finishes them all and their messages are queued together.
        fixture.handler = { unanswered.append($0) }
        let count = 6
        var transfers: [CurlTransfer] = (0..<count).map { _ in
            CurlTransfer(method: "GET", url: fixture.baseURL + "/never", headers: [], body: [], totalTimeout: 0.4)
        }
        let watched = transfers.map(Weak.init)
        var completions: [Result<Void, CurlError>] = []
        for transfer in transfers {
            transfer.onComplete = { result in
                completions.append(result)
                // The multi holds the only strong references now: cancelling frees each sibling.
                for sibling in watched { if let other = sibling.transfer { fixture.multi.cancel(other) } }
                let settle = Timer(loop: fixture.loop) { fixture.loop.stop() }
                settle.schedule(after: 0.2)
                settleTimer = settle
            }
            fixture.multi.add(transfer)
        }
        transfers.removeAll()
        #expect(fixture.run())
        #expect(settleTimer != nil)  // read, so the timer lives until here
        #expect(completions.count == 1)
        if case .failure(.timedOut) = completions.first {
        } else {
            Issue.record("expected the first transfer to time out, got \(String(describing: completions.first))")
        }
        #expect(fixture.multi.activeTransfers == 0)
        #expect(watched.allSatisfy { $0.transfer == nil })
        #expect(unanswered.count == count)

        // The multi is intact: a later transfer runs normally.
        fixture.handler = { $0.respond(status: 200, headers: [], body: Array("after".utf8)) }
        let after = fixture.perform(CurlTransfer(method: "GET", url: fixture.baseURL + "/after", headers: [], body: []))
        #expect(after.succeeded)
        #expect(after.text == "after")
    }
}
