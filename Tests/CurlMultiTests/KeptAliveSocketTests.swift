import CurlMulti
import EventLoop
import Glibc
import Testing

/// A kept-alive connection's socket stays registered with the loop between transfers (`CurlSocket.park`); these
/// check that it stays correct when the connection is reused, closed by curl, closed by the peer while idle,
/// and when its fd number is handed to the next socket.
@Suite("Sockets of kept-alive connections", .serialized)
struct KeptAliveSocketTests {
    private static func get(_ fixture: HTTPFixture, _ path: String, headers: [(String, String)] = []) -> Outcome {
        fixture.perform(CurlTransfer(method: "GET", url: fixture.baseURL + path, headers: headers, body: []))
    }

    private static func echoPath(_ fixture: HTTPFixture, connections: @escaping (Int) -> Void = { _ in }) {
        fixture.handler = { [unowned fixture] exchange in
            connections(fixture.server?.connectionCount ?? -1)
            exchange.respond(status: 200, headers: [], body: Array(exchange.path.utf8))
        }
    }

    @Test func sequentialTransfersShareOneConnection() throws {
        let fixture = try HTTPFixture()
        var counts: [Int] = []
        Self.echoPath(fixture) { counts.append($0) }
        for index in 0..<5 {
            let outcome = Self.get(fixture, "/r\(index)")
            #expect(outcome.finishedInTime && outcome.succeeded)
            #expect(outcome.text == "/r\(index)")
            // The idle connection's socket stays registered, parked, for the next transfer.
            #expect(fixture.multi.watchedSocketCount == 1)
        }
        #expect(counts == [1, 1, 1, 1, 1])
    }

    /// `Connection: close` makes curl close each connection after its transfer (CURLOPT_CLOSESOCKETFUNCTION): no
    /// registration may outlive the fd, since the next connection usually gets the same number and, were the
    /// closed one's parked registration taken for it, would be left unwatched (the kernel dropped the closed fd
    /// from epoll; libevent would think it still watched).
    @Test func connectionsClosedByCurlFreeTheirFdNumber() throws {
        let fixture = try HTTPFixture()
        Self.echoPath(fixture)
        for index in 0..<4 {
            let outcome = Self.get(fixture, "/c\(index)", headers: [("Connection", "close")])
            #expect(outcome.finishedInTime && outcome.succeeded)
            #expect(outcome.text == "/c\(index)")
            #expect(fixture.multi.watchedSocketCount == 0)
        }
        let outcome = Self.get(fixture, "/after")
        #expect(outcome.finishedInTime && outcome.succeeded && outcome.text == "/after")
    }

    /// The peer closes the pooled connection while it is idle: its parked socket turns readable for good, which
    /// must neither spin the loop nor reach curl; the next transfer finds the connection dead and opens another.
    @Test func peerClosingAnIdleConnectionNeitherSpinsNorBreaksTheNext() throws {
        let fixture = try HTTPFixture()
        Self.echoPath(fixture)
        let first = Self.get(fixture, "/first")
        #expect(first.finishedInTime && first.succeeded)

        // A second server takes over; freeing the first closes its end of the pooled connection.
        let replacement = try HTTPServer(
            loop: fixture.loop, host: "127.0.0.1", port: 0, maxBodyBytes: 1 << 20,
            handler: { $0.respond(status: 200, headers: [], body: Array("replacement \($0.path)".utf8)) },
            bodyTooLarge: { $0.respond(status: 413, headers: [], body: []) })
        fixture.server = nil
        let idleStart = threadCPUSeconds()
        let idle = Timer(loop: fixture.loop) { fixture.loop.stop() }
        idle.schedule(after: 0.3)
        fixture.loop.run()
        // A level-triggered EOF left watched would keep this thread busy for the whole 0.3 s.
        #expect(threadCPUSeconds() - idleStart < 0.15)

        // Sockets opened meanwhile may take fd numbers curl's pool still holds or has just released.
        var pipes: [Int32] = [0, 0]
        #expect(pipe(&pipes) == 0)
        defer { pipes.forEach { close($0) } }

        for index in 0..<3 {
            let transfer = CurlTransfer(
                method: "GET", url: "http://127.0.0.1:\(replacement.port)/n\(index)", headers: [], body: [])
            let outcome = fixture.perform(transfer)
            #expect(outcome.finishedInTime && outcome.succeeded)
            #expect(outcome.text == "replacement /n\(index)")
        }
        #expect(fixture.multi.activeTransfers == 0)
    }
}

private func threadCPUSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}
