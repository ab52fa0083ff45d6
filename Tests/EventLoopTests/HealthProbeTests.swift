import EventLoop
import Testing

/// The pure parts of the `--check` probes; the probes against live processes are in
/// Tests/integration/test_health_checks.py.
struct HealthProbeTests {
    @Test func readsTheStatusOfAnHTTP1StatusLine() {
        #expect(HealthProbe.statusCode(ofResponseHead: Array("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n".utf8)) == 200)
        #expect(HealthProbe.statusCode(ofResponseHead: Array("HTTP/1.0 503 Service Unavailable\r\n".utf8)) == 503)
        // The reason phrase may be empty (RFC 9112 §4), and the line may arrive without its CRLF yet.
        #expect(HealthProbe.statusCode(ofResponseHead: Array("HTTP/1.1 204 \r\n".utf8)) == 204)
        #expect(HealthProbe.statusCode(ofResponseHead: Array("HTTP/1.1 200".utf8)) == 200)
    }

    @Test func rejectsWhatIsNotAStatusLine() {
        for head in [
            "", "SSH-2.0-OpenSSH_9.2\r\n", "HTTP/2 200\r\n", "HTTP/1.1 20 OK\r\n", "HTTP/1.1 2x0 OK\r\n",
            "\r\nHTTP/1.1 200 OK",
        ] {
            #expect(HealthProbe.statusCode(ofResponseHead: Array(head.utf8)) == nil, "\(head)")
        }
    }

    @Test func probesWildcardListenAddressesThroughLoopback() {
        #expect(HealthProbe.probeHost(forListenHost: "0.0.0.0") == "127.0.0.1")
        #expect(HealthProbe.probeHost(forListenHost: "") == "127.0.0.1")
        #expect(HealthProbe.probeHost(forListenHost: "::") == "::1")
        #expect(HealthProbe.probeHost(forListenHost: "10.0.0.7") == "10.0.0.7")
        #expect(HealthProbe.probeHost(forListenHost: "127.0.0.1") == "127.0.0.1")
    }

    @Test func failsFastWhenNothingListens() {
        // Port 1 on loopback is closed on any sane test machine: connect is refused at once.
        #expect(throws: EventLoopError.self) {
            try HealthProbe.httpStatus(host: "127.0.0.1", port: 1, path: "/ping", timeout: 2)
        }
        #expect(throws: EventLoopError.self) {
            try ProbeConnection.unix(path: "/nonexistent/gateway.sock", timeout: 2)
        }
    }
}
