/// What one client may cost the HTTP server before it is answered with an error or dropped.
package struct HTTPLimits: Equatable, Sendable {
    /// Request line plus headers. Larger heads get a 431 and the connection is closed; without a bound,
    /// evhttp re-scans an unterminated header line on every read, which costs quadratic CPU.
    package var maxHeaderBytes = 64 << 10
    /// From the first byte of a request head to its blank line; a slower client gets a 408 (slowloris).
    package var headerTimeoutSeconds = 15.0
    /// A keep-alive connection with no request in progress is closed, silently, after this long. Above
    /// ALB's default 60 s idle timeout, as AWS recommends, so the balancer never reuses a connection
    /// the gateway is closing.
    package var idleTimeoutSeconds = 75.0
    /// Open client connections at most; at the cap the listener stops accepting (new connections wait
    /// in the kernel's backlog) until one closes. nil: derived from the open-file limit.
    package var maxConnections: Int?
    /// Request-body bytes all connections together may be sending before their requests reach the
    /// handler, that is before anyone has checked a key (a chunked body counts as a whole body limit).
    /// Past it a new body is refused with 503 and `Retry-After`, so clients without a key cannot make
    /// the shim hold bodies for every connection it accepts. nil: 16 × the body limit.
    package var maxPendingBodyBytes: Int?

    package init(
        maxHeaderBytes: Int = 64 << 10, headerTimeoutSeconds: Double = 15, idleTimeoutSeconds: Double = 75,
        maxConnections: Int? = nil
    ) {
        self.maxHeaderBytes = maxHeaderBytes
        self.headerTimeoutSeconds = headerTimeoutSeconds
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.maxConnections = maxConnections
    }

    /// Without an explicit cap: every descriptor but a reserve for logs, the listeners, the translator
    /// connection and health probes (a proxied request holds only its client socket: every exchange with
    /// the translator shares one connection).
    package static func defaultMaxConnections(fileLimit: Int) -> Int {
        max(16, fileLimit - 64)
    }
}

/// Why the server answered a connection itself instead of handing a request to the handler.
package enum HTTPRejection: Equatable, Sendable {
    /// The request line and headers passed `HTTPLimits.maxHeaderBytes`.
    case headersTooLarge(limit: Int)
    /// The head did not complete within `HTTPLimits.headerTimeoutSeconds`.
    case headerTimeout(seconds: Double)
    /// The head breaks HTTP/1.1's framing rules (`RequestHeadRules`); the reason says how.
    case badRequest(String)
    /// `Content-Length` declares a body over the server's body limit.
    case bodyTooLarge(limit: Int)
    /// Accepting the body would pass `HTTPLimits.maxPendingBodyBytes`.
    case bodiesPending(limit: Int)
    /// A method the server does not serve.
    case methodNotAllowed(String)

    package var status: Int {
        switch self {
        case .headersTooLarge: 431
        case .headerTimeout: 408
        case .badRequest: 400
        case .bodyTooLarge: 413
        case .bodiesPending: 503
        case .methodNotAllowed: 405
        }
    }

    package var reason: String {
        switch self {
        case .headersTooLarge: "Request Header Fields Too Large"
        case .headerTimeout: "Request Timeout"
        case .badRequest: "Bad Request"
        case .bodyTooLarge: "Content Too Large"
        case .bodiesPending: "Service Unavailable"
        case .methodNotAllowed: "Method Not Allowed"
        }
    }
}

/// A complete answer the server writes on a connection evhttp never parsed a request from.
package struct HTTPRawResponse: Equatable, Sendable {
    package var contentType: String
    package var body: [UInt8]
    /// Further header fields (the shim's `x-request-id`), written in name order; values must be header-safe.
    package var headers: [String: String]

    package init(contentType: String, body: [UInt8], headers: [String: String] = [:]) {
        self.contentType = contentType
        self.body = body
        self.headers = headers
    }
}
