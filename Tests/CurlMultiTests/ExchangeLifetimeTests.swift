import CurlMulti
import EventLoop
import Testing

@Suite("HTTPExchange lifetime", .serialized)
struct ExchangeLifetimeTests {
    @Test func droppingAnUnansweredExchangeAnswers500() throws {
        let fixture = try HTTPFixture()
        fixture.handler = { _ in }  // forgets the exchange
        let outcome = fixture.perform(
            CurlTransfer(method: "GET", url: fixture.baseURL + "/forgotten", headers: [], body: []))
        #expect(outcome.succeeded)
        #expect(outcome.status == 500)
    }

    @Test func headAnswerCarriesNoBody() throws {
        let fixture = try HTTPFixture()
        fixture.handler = {
            $0.respond(status: 200, headers: [("Content-Type", "text/plain")], body: Array("0123456789".utf8))
        }
        let head = fixture.perform(CurlTransfer(method: "HEAD", url: fixture.baseURL + "/h", headers: [], body: []))
        #expect(head.succeeded)
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        // The connection is still usable afterwards (no stray body bytes on it).
        let get = fixture.perform(CurlTransfer(method: "GET", url: fixture.baseURL + "/g", headers: [], body: []))
        #expect(get.succeeded)
        #expect(get.text == "0123456789")
    }

    /// Owners (the metrics page, for one) set a close handler that captures the exchange itself: answering
    /// must break that cycle, or each such request keeps its exchange, and through it the loop, for good.
    @Test func anAnsweredExchangeIsFreedDespiteAHandlerHoldingIt() throws {
        let fixture = try HTTPFixture()
        weak var answered: HTTPExchange?
        fixture.handler = { exchange in
            answered = exchange
            exchange.onClientClose = { exchange.respond(status: 500, headers: [], body: []) }
            exchange.respond(status: 200, headers: [("Content-Type", "text/plain")], body: Array("ok".utf8))
        }
        let outcome = fixture.perform(CurlTransfer(method: "GET", url: fixture.baseURL + "/m", headers: [], body: []))
        #expect(outcome.text == "ok")
        #expect(answered == nil)
    }

    @Test func freeingTheServerMidStreamTellsTheExchange() throws {
        let fixture = try HTTPFixture()
        var exchange: HTTPExchange?
        var clientCloses = 0
        var drains = 0
        fixture.handler = { incoming in
            exchange = incoming
            incoming.onDrain = { drains += 1 }
            incoming.onClientClose = { clientCloses += 1 }
            incoming.startStreaming(status: 200, headers: [])
            incoming.sendChunk(Array("one".utf8))
        }
        let transfer = CurlTransfer(method: "GET", url: fixture.baseURL + "/s", headers: [], body: [])
        var completion: Result<Void, CurlError>?
        transfer.onData = { _ in
            // First bytes arrived: shut the whole server down under the open stream.
            fixture.server = nil
            return .proceed
        }
        transfer.onComplete = { result in
            completion = result
            fixture.loop.stop()
        }
        fixture.multi.add(transfer)
        #expect(fixture.run())
        #expect(clientCloses == 1)
        #expect(drains >= 1)
        #expect(exchange?.isFinished == true)
        exchange?.sendChunk(Array("two".utf8))  // no-op
        exchange?.finishStreaming()  // no-op
        if case .success? = completion { Issue.record("a stream cut short must not complete successfully") }
    }
}
