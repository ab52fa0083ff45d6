import CurlMulti
import Testing

/// `CurlMulti` parses each URL once (`CurlURL`) and hands the parsed URL to every transfer that uses it.
@Suite("Parsed URLs shared by transfers", .serialized)
struct ParsedURLTests {
    /// The same URL, escapes and query included, three times on reused handles, between transfers to other URLs:
    /// each request reaches the server exactly as written.
    @Test func sameURLServesEveryTransfer() throws {
        let fixture = try HTTPFixture()
        var seen: [(path: String, query: String?)] = []
        fixture.handler = { exchange in
            seen.append((exchange.path, exchange.query))
            exchange.respond(status: 200, headers: [], body: Array("ok".utf8))
        }
        let shared = fixture.baseURL + "/endpoints/a%2Fb/invocations?x=1"
        var outcomes: [Outcome] = []
        for other in ["/one", "/two", "/three"] {
            outcomes.append(
                fixture.perform(CurlTransfer(method: "POST", url: shared, headers: [], body: Array("{}".utf8))))
            outcomes.append(
                fixture.perform(CurlTransfer(method: "GET", url: fixture.baseURL + other, headers: [], body: [])))
        }
        #expect(outcomes.allSatisfy { $0.succeeded && $0.text == "ok" })
        #expect(
            seen.map(\.path) == [
                "/endpoints/a%2Fb/invocations", "/one", "/endpoints/a%2Fb/invocations", "/two",
                "/endpoints/a%2Fb/invocations", "/three",
            ])
        #expect(seen.map(\.query) == ["x=1", nil, "x=1", nil, "x=1", nil])
        #expect(fixture.multi.activeTransfers == 0)
    }

    /// A URL curl's parser rejects is left to curl, which fails the transfer with its own error, every time.
    @Test func rejectedURLFailsInCurl() throws {
        let fixture = try HTTPFixture()
        for _ in 0..<2 {
            let outcome = fixture.perform(
                CurlTransfer(method: "GET", url: "http://[::1/never", headers: [], body: []))
            #expect(outcome.completions == 1)
            guard case .failure(.other(let code, _)) = outcome.result else {
                Issue.record("expected curl's URL error, got \(String(describing: outcome.result))")
                continue
            }
            #expect(code == 3)  // CURLE_URL_MALFORMAT
        }
    }
}
