import Testing

@testable import TranslatorCore

@Suite("ServiceEndpoint(url:)")
struct ServiceEndpointTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var url: String
        var expected: ServiceEndpoint?
        var testDescription: String { url.isEmpty ? "<empty>" : url }
    }

    static let accepted: [Case] = [
        Case(url: "https://example.com", expected: ServiceEndpoint(scheme: "https", host: "example.com")),
        Case(url: "http://localhost:8080", expected: ServiceEndpoint(scheme: "http", host: "localhost", port: 8080)),
        Case(
            url: "HTTPS://Runtime.Example.COM/", expected: ServiceEndpoint(scheme: "https", host: "runtime.example.com")
        ),
        Case(
            url: "  http://127.0.0.1:9000/base/path//  ",
            expected: ServiceEndpoint(scheme: "http", host: "127.0.0.1", port: 9000, basePath: "/base/path")),
        Case(url: "http://[::1]:4566", expected: ServiceEndpoint(scheme: "http", host: "[::1]", port: 4566)),
        Case(
            url: "http://[FD00:EC2::23]/v1",
            expected: ServiceEndpoint(scheme: "http", host: "[fd00:ec2::23]", basePath: "/v1")),
        Case(
            url: "https://host:443/x",
            expected: ServiceEndpoint(scheme: "https", host: "host", port: 443, basePath: "/x")),
        Case(
            url: "http://sagemaker-emulator_1:65535",
            expected: ServiceEndpoint(scheme: "http", host: "sagemaker-emulator_1", port: 65535)),
    ]

    static let rejected: [String] = [
        "", "example.com", "ftp://example.com", "file:///etc/passwd", "https://", "https:///path", "https://:443",
        "http://host:", "http://host:0", "http://host:65536", "http://host:abc", "http://user:pw@host",
        "http://user@host", "http://[::1", "http://[::1]x", "http://[::1]:", "http://[::1]:99999", "http://::1",
        "http://exa mple.com", "https://host?x=1", "https://host/base?x=1", "https://host#frag", "http://[zz]",
    ]

    @Test("accepts", arguments: accepted)
    func accepts(_ c: Case) {
        #expect(ServiceEndpoint(url: c.url) == c.expected)
    }

    @Test("rejects", arguments: rejected)
    func rejects(_ url: String) {
        #expect(ServiceEndpoint(url: url) == nil)
    }

    @Test(
        "hostHeader elides only the scheme's default port",
        arguments: [
            ("https://h", "h"), ("https://h:443", "h"), ("http://h:80", "h"), ("http://h", "h"),
            ("https://h:80", "h:80"), ("http://h:443", "h:443"), ("http://h:8080", "h:8080"),
            ("http://[::1]:8080", "[::1]:8080"), ("https://[::1]:443", "[::1]"),
        ])
    func hostHeader(url: String, header: String) throws {
        let endpoint = try #require(ServiceEndpoint(url: url))
        #expect(endpoint.hostHeader == header)
    }

    @Test func urlAndRequestPathIncludeBasePath() throws {
        let endpoint = try #require(ServiceEndpoint(url: "http://localhost:8080/proxy/"))
        #expect(endpoint.requestPath("/endpoints/e/invocations") == "/proxy/endpoints/e/invocations")
        #expect(endpoint.url(path: "/a") == "http://localhost:8080/proxy/a")
        #expect(endpoint.url(path: "/a", query: "x=1") == "http://localhost:8080/proxy/a?x=1")
        #expect(ServiceEndpoint(scheme: "https", host: "h", port: 443).url(path: "/") == "https://h/")
    }

    /// The host header and URL prefix are worked out ahead: changing any part changes them.
    @Test func changingAPartChangesHostHeaderAndURL() {
        var endpoint = ServiceEndpoint(scheme: "https", host: "h", port: 443)
        endpoint.port = 8443
        #expect(endpoint.hostHeader == "h:8443")
        #expect(endpoint.url(path: "/a") == "https://h:8443/a")
        endpoint.scheme = "http"
        endpoint.host = "g"
        endpoint.basePath = "/b"
        #expect(endpoint.url(path: "/a") == "http://g:8443/b/a")
        endpoint.port = 80
        #expect(endpoint.hostHeader == "g")
        #expect(endpoint == ServiceEndpoint(scheme: "http", host: "g", port: 80, basePath: "/b"))
    }
}
