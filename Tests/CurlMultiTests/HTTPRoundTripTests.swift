import CurlMulti
import EventLoop
import Testing

@Suite("HTTPServer and CurlTransfer on one loop", .serialized)
struct HTTPRoundTripTests {
    @Test func getRoundTrip() throws {
        let fixture = try HTTPFixture()
        var seen: (method: String, path: String, query: String?, header: String?)?
        fixture.handler = { exchange in
            seen = (exchange.method, exchange.path, exchange.query, exchange.header("x-test-header"))
            exchange.respond(
                status: 200, headers: [("Content-Type", "application/json"), ("X-Echo-Path", exchange.path)],
                body: Array(#"{"ok":true}"#.utf8))
        }
        let transfer = CurlTransfer(
            method: "GET", url: fixture.baseURL + "/v1/models?limit=2", headers: [("X-Test-Header", "abc")], body: [])
        let outcome = fixture.perform(transfer)
        #expect(outcome.finishedInTime)
        #expect(outcome.succeeded)
        #expect(outcome.completions == 1 && outcome.responses == 1)
        #expect(outcome.status == 200)
        #expect(outcome.header("x-echo-path") == "/v1/models")
        #expect(outcome.header("content-type") == "application/json")
        #expect(outcome.text == #"{"ok":true}"#)
        #expect(seen?.method == "GET")
        #expect(seen?.path == "/v1/models")
        #expect(seen?.query == "limit=2")
        #expect(seen?.header == "abc")
        #expect(fixture.multi.activeTransfers == 0)
    }

    /// `onResponseHead` sees the headers `onResponse` is given, before it.
    @Test func responseHeadMatchesResponseHeaders() throws {
        let fixture = try HTTPFixture()
        fixture.handler = { exchange in
            exchange.respond(
                status: 201, headers: [("X-Amzn-RequestId", "r-1"), ("X-Empty", ""), ("X-Two", "a"), ("x-two", "b")],
                body: [])
        }
        let transfer = CurlTransfer(method: "GET", url: fixture.baseURL + "/head", headers: [], body: [])
        var head: ResponseHead?
        var order: [String] = []
        transfer.onResponseHead = { status, delivered in
            #expect(status == 201)
            head = delivered
            order.append("head")
        }
        let outcome = fixture.perform(transfer)
        #expect(outcome.succeeded && outcome.status == 201)
        let fields = try #require(head).fields
        #expect(fields.map(\.0) == outcome.headers.map(\.0))
        #expect(fields.map(\.1) == outcome.headers.map(\.1))
        #expect(head?.lastValue(of: "x-amzn-requestid") == "r-1")
        #expect(order == ["head"])
    }

    /// Header lines reach the server as given: an empty value still sends the header (curl's `name;`), and
    /// values keep their bytes.
    @Test func requestHeaderLines() throws {
        let fixture = try HTTPFixture()
        var seen: [(String, String)] = []
        fixture.handler = { exchange in
            seen = exchange.headers
            exchange.respond(status: 204, headers: [], body: [])
        }
        let transfer = CurlTransfer(
            method: "post", url: fixture.baseURL + "/h",
            headers: [("X-Empty", ""), ("X-Value", "a b:c"), ("X-UTF8", "h\u{E9}")], body: [])
        let outcome = fixture.perform(transfer)
        #expect(outcome.succeeded && outcome.status == 204)
        #expect(seen.first { $0.0.lowercased() == "x-empty" }?.1 == "")
        #expect(seen.first { $0.0.lowercased() == "x-value" }?.1 == "a b:c")
        #expect(seen.first { $0.0.lowercased() == "x-utf8" }.map { Array($0.1.utf8) } == [0x68, 0xC3, 0xA9])
        #expect(!seen.contains { $0.0.lowercased() == "expect" })
    }

    @Test func postBodyRoundTrip() throws {
        let fixture = try HTTPFixture()
        let payload = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        fixture.handler = { exchange in
            exchange.respond(
                status: 201, headers: [("Content-Type", "application/octet-stream"), ("X-Method", exchange.method)],
                body: exchange.body.reversed())
        }
        let transfer = CurlTransfer(
            method: "POST", url: fixture.baseURL + "/echo", headers: [("Content-Type", "application/octet-stream")],
            body: payload)
        let outcome = fixture.perform(transfer)
        #expect(outcome.succeeded)
        #expect(outcome.status == 201)
        #expect(outcome.header("x-method") == "POST")
        #expect(outcome.body == Array(payload.reversed()))
    }

    /// The multi lends each finished transfer's easy handle to the next one: nothing of the first (method,
    /// body, headers, timeout) reaches the second.
    @Test func reusedHandleCarriesNothingOver() throws {
        let fixture = try HTTPFixture()
        var seen: [(method: String, body: [UInt8], headers: [(String, String)])] = []
        fixture.handler = { exchange in
            seen.append((exchange.method, exchange.body, exchange.headers))
            exchange.respond(status: 200, headers: [], body: Array("ok".utf8))
        }
        let post = fixture.perform(
            CurlTransfer(
                method: "PUT", url: fixture.baseURL + "/first", headers: [("X-First", "1")], body: Array("body".utf8),
                totalTimeout: 5))
        let get = fixture.perform(CurlTransfer(method: "GET", url: fixture.baseURL + "/second", headers: [], body: []))
        let head = fixture.perform(CurlTransfer(method: "HEAD", url: fixture.baseURL + "/third", headers: [], body: []))
        let again = fixture.perform(
            CurlTransfer(method: "GET", url: fixture.baseURL + "/fourth", headers: [], body: []))
        #expect(post.succeeded && get.succeeded && head.succeeded && again.succeeded)
        #expect(seen.map(\.method) == ["PUT", "GET", "HEAD", "GET"])
        #expect(seen.map(\.body) == [Array("body".utf8), [], [], []])
        #expect(seen.dropFirst().allSatisfy { request in !request.headers.contains { $0.0.lowercased() == "x-first" } })
        #expect(get.text == "ok" && head.text == "" && again.text == "ok")
        #expect(fixture.multi.activeTransfers == 0)
    }

    @Test func emptyBodyStillGetsOnResponseBeforeOnComplete() throws {
        let fixture = try HTTPFixture()
        fixture.handler = { $0.respond(status: 204, headers: [], body: []) }
        var order: [String] = []
        let transfer = CurlTransfer(method: "DELETE", url: fixture.baseURL + "/thing", headers: [], body: [])
        transfer.onResponse = { status, _ in order.append("response \(status)") }
        transfer.onComplete = { _ in
            order.append("complete")
            fixture.loop.stop()
        }
        fixture.multi.add(transfer)
        #expect(fixture.run())
        #expect(order == ["response 204", "complete"])
    }

    @Test func streamedResponseArrivesInPieces() throws {
        let fixture = try HTTPFixture()
        var streamer: Timer?
        fixture.handler = { exchange in
            exchange.startStreaming(status: 200, headers: [("Content-Type", "text/event-stream")])
            var sent = 0
            streamer = Timer(loop: fixture.loop) { [weak exchange] in
                guard let exchange else { return }
                if sent == 5 {
                    exchange.finishStreaming()
                    return
                }
                exchange.sendChunk(Array("data: \(sent)\n\n".utf8))
                sent += 1
                streamer?.schedule(after: 0.03)
            }
            streamer?.schedule(after: 0.01)
            // The handler keeps the exchange through the timer's weak capture: hold it here.
            heldExchange = exchange
        }
        let transfer = CurlTransfer(method: "GET", url: fixture.baseURL + "/stream", headers: [], body: [])
        let outcome = fixture.perform(transfer)
        #expect(outcome.succeeded)
        #expect(outcome.header("transfer-encoding") == "chunked")
        #expect(outcome.text == (0..<5).map { "data: \($0)\n\n" }.joined())
        #expect(outcome.chunks.count >= 2)
        heldExchange = nil
    }

    @Test func bodyOverTheLimitGetsTheJSON413() throws {
        let fixture = try HTTPFixture(maxBodyBytes: 1024)
        var handled = 0
        fixture.handler = { exchange in
            handled += 1
            exchange.respond(status: 200, headers: [], body: [])
        }
        let big = [UInt8](repeating: 0x41, count: 4096)
        let sized = fixture.perform(
            CurlTransfer(
                method: "POST", url: fixture.baseURL + "/v1/chat/completions",
                headers: [("Content-Type", "application/json")], body: big))
        #expect(sized.status == 413)
        #expect(sized.header("content-type") == "application/json")
        #expect(sized.text.contains(#""message":"body too large""#))

        // A chunked upload has no Content-Length to check up front: it is read (up to the hard
        // limit) and then refused the same way.
        let chunked = fixture.perform(
            CurlTransfer(
                method: "POST", url: fixture.baseURL + "/v1/chat/completions",
                headers: [("Transfer-Encoding", "chunked")], body: big))
        #expect(chunked.status == 413)
        #expect(chunked.text.contains(#""message":"body too large""#))

        let small = fixture.perform(
            CurlTransfer(
                method: "POST", url: fixture.baseURL + "/ok", headers: [], body: [UInt8](repeating: 0x42, count: 1024)))
        #expect(small.status == 200)
        #expect(handled == 1)
    }

    @Test func closedPortGivesCouldNotConnect() throws {
        let fixture = try HTTPFixture()
        let transfer = CurlTransfer(
            method: "GET", url: "http://127.0.0.1:\(closedLoopbackPort())/", headers: [], body: [], connectTimeout: 5)
        let outcome = fixture.perform(transfer)
        #expect(outcome.completions == 1)
        #expect(outcome.responses == 0)
        guard case .failure(.couldNotConnect)? = outcome.result else {
            Issue.record("expected couldNotConnect, got \(String(describing: outcome.result))")
            return
        }
    }

    @Test func idleTimeoutGivesTimedOut() throws {
        let fixture = try HTTPFixture()
        fixture.handler = { exchange in
            exchange.startStreaming(status: 200, headers: [("Content-Type", "text/event-stream")])
            heldExchange = exchange  // never sends a byte of body
        }
        let transfer = CurlTransfer(
            method: "GET", url: fixture.baseURL + "/silent", headers: [], body: [], idleTimeout: 1)
        let outcome = fixture.perform(transfer, timeout: 15)
        #expect(outcome.finishedInTime)
        #expect(outcome.status == 200)
        guard case .failure(.timedOut)? = outcome.result else {
            Issue.record("expected timedOut, got \(String(describing: outcome.result))")
            return
        }
        heldExchange = nil
    }
}

/// Keeps a test's exchange alive while the loop runs (handlers get it as a parameter only).
nonisolated(unsafe) var heldExchange: HTTPExchange?
