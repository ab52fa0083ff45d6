import CLibevent
import Glibc

/// An HTTP/1.1 server on libevent's `evhttp` (see libevent `sample/http-server.c`).
///
/// Every request becomes an `HTTPExchange` handed to `handler`, or to `bodyTooLarge` when its body is
/// over `maxBodyBytes`.
///
/// Body limit: the connection guard refuses a body over `maxBodyBytes` with our JSON 413 before evhttp
/// reads it: at once from its `Content-Length`, and for a chunked body as soon as the chunk sizes pass
/// the limit (`ChunkedBodyRules`). evhttp's own `max_body_size` (`hardBodyLimit`, default 4 × the limit)
/// stays as a backstop, with lingering close; the handler's `bodyTooLarge` covers what slips between.
///
/// Heads and idle connections: each connection has an `HTTPConnectionGuard` (see there) that answers
/// an oversized or slow request head itself (`rejection` renders the body) and closes keep-alive
/// connections idle past `limits.idleTimeoutSeconds`. evhttp's own header limit stays as a backstop
/// at twice ours, for what the guard cannot see (heads pipelined behind a body).
///
/// Accepting: the listening socket is made here (`ListeningSocket`, backlog `SOMAXCONN`). When
/// `accept` fails for want of descriptors the listener pauses for `acceptBackoffSeconds` instead of
/// spinning on the still-pending connection, and says so in the log at most once per 10 s; at
/// `limits.maxConnections` open connections it pauses until one closes.
///
/// Timeouts: `evhttp_set_timeout` bounds how long a connection may sit without reading or writing a
/// byte while a request is in progress; a stream that sends a chunk (or an SSE keep-alive comment)
/// re-arms it. It is 600 s by default because a streamed completion may wait minutes for the first token.
///
/// Its per-request stored properties are `@exclusivity(unchecked)` (see `EventLoop`'s note on it).
package final class HTTPServer {
    let loop: EventLoop
    /// The `evhttp*`; freeing it closes every connection (their exchanges see `onClientClose`).
    private let http: OpaquePointer
    private(set) var boundSocket: OpaquePointer?
    let maxBodyBytes: Int
    private let handler: (HTTPExchange) -> Void
    private let bodyTooLarge: (HTTPExchange) -> Void
    let rejection: (HTTPRejection) -> HTTPRawResponse
    package let limits: HTTPLimits
    /// Open connections at most (the resolved `limits.maxConnections`).
    package let maxConnections: Int
    /// The resolved `limits.maxPendingBodyBytes`, and how much of it connections hold now.
    package let maxPendingBodyBytes: Int
    @exclusivity(unchecked) package private(set) var pendingBodyBytes = 0
    /// Connections accepted since start: with keep-alive, far fewer than requests (the emulator reports it so
    /// the bench and tests can see the gateway reuse its upstream connections).
    package internal(set) var connectionsAccepted = 0
    /// Every open connection, by its `bufferevent*`.
    @exclusivity(unchecked) var guards: [OpaquePointer: HTTPConnectionGuard] = [:]
    var sweepTimer: Timer?
    var acceptPauses: Set<AcceptPause> = []
    var listenerPaused = false
    var resumeTimer: Timer?
    var acceptFailureLog = RateLimitedLog(interval: 10)
    /// The reply `Date` value, NUL-terminated, and the second it was made for (`withDateHeaderValue`).
    @exclusivity(unchecked) var dateHeaderSecond: time_t = -1
    @exclusivity(unchecked) var dateHeaderValue: [CChar] = [0]
    static let acceptBackoffSeconds = 0.25

    enum AcceptPause: Hashable {
        case atCapacity
        case outOfDescriptors
    }

    /// The port actually bound (the ephemeral one when asked for port 0).
    package let port: Int

    /// Open client connections now.
    package var connectionCount: Int { guards.count }

    package init(
        loop: EventLoop,
        host: String,
        port: Int,
        maxBodyBytes: Int,
        hardBodyLimit: Int? = nil,
        idleTimeoutSeconds: Int = 600,
        limits: HTTPLimits = HTTPLimits(),
        handler: @escaping (HTTPExchange) -> Void,
        bodyTooLarge: @escaping (HTTPExchange) -> Void,
        rejection: @escaping (HTTPRejection) -> HTTPRawResponse = HTTPServer.plainRejection
    ) throws(EventLoopError) {
        guard (0...65535).contains(port) else { throw .socket("port \(port)", errno: EINVAL) }
        let fd = try ListeningSocket.open(host: host, port: port)
        guard let http = evhttp_new(loop.base) else {
            Glibc.close(fd)
            throw .libevent("evhttp_new")
        }
        self.loop = loop
        self.http = http
        self.maxBodyBytes = maxBodyBytes
        self.handler = handler
        self.bodyTooLarge = bodyTooLarge
        self.rejection = rejection
        self.limits = limits
        maxConnections =
            limits.maxConnections ?? HTTPLimits.defaultMaxConnections(fileLimit: FileDescriptorLimit.current)
        maxPendingBodyBytes =
            limits.maxPendingBodyBytes ?? max(maxBodyBytes, 1).multipliedReportingOverflow(by: 16).partialValue

        let methods: [evhttp_cmd_type] = [
            EVHTTP_REQ_GET, EVHTTP_REQ_POST, EVHTTP_REQ_HEAD, EVHTTP_REQ_OPTIONS,
            EVHTTP_REQ_PUT, EVHTTP_REQ_DELETE, EVHTTP_REQ_PATCH,
        ]
        var allowed: UInt32 = 0
        for method in methods { allowed |= method.rawValue }
        evhttp_set_allowed_methods(http, UInt16(truncatingIfNeeded: allowed))
        let soft = max(0, maxBodyBytes)
        let defaultHard = max(
            soft.multipliedReportingOverflow(by: 4).partialValue, soft.addingReportingOverflow(1 << 20).partialValue)
        evhttp_set_max_body_size(http, max(hardBodyLimit ?? defaultHard, soft))
        evhttp_set_max_headers_size(http, max(limits.maxHeaderBytes, 1) * 2)
        _ = evhttp_set_flags(http, EVHTTP_SERVER_LINGERING_CLOSE)
        evhttp_set_timeout(http, Int32(clamping: idleTimeoutSeconds))
        // No "text/html" default: every response here names its own Content-Type.
        evhttp_set_default_content_type(http, nil)

        guard let bound = evhttp_accept_socket_with_handle(http, fd) else {
            Glibc.close(fd)
            evhttp_free(http)
            throw .libevent("evhttp_accept_socket_with_handle")
        }
        boundSocket = bound
        self.port = Self.localPort(of: fd) ?? port
        // passUnretained (all three): deinit frees the evhttp, its listener and connections first.
        let context = Unmanaged.passUnretained(self).toOpaque()
        registerForAcceptErrors(http)
        evconnlistener_set_error_cb(evhttp_bound_socket_get_listener(bound), listenerAcceptFailed)
        evhttp_set_bevcb(http, serverMakeConnectionBuffer, context)
        evhttp_set_gencb(http, requestArrived, context)
        let sweep = Timer(loop: loop) { [weak self] in self?.sweep() }
        sweepTimer = sweep
        sweep.schedule(after: 1)
    }

    deinit {
        unregisterForAcceptErrors(http)
        // Exchanges still open are told through the connection close callback, which evhttp_free runs.
        evhttp_free(http)
    }

    func reservePendingBody(_ bytes: Int) -> Bool {
        guard pendingBodyBytes + bytes <= maxPendingBodyBytes else { return false }
        pendingBodyBytes += bytes
        return true
    }

    func releasePendingBody(_ bytes: Int) {
        pendingBodyBytes = max(0, pendingBodyBytes - bytes)
    }

    /// The default rejection body: a small JSON object naming the problem.
    package static func plainRejection(_ rejection: HTTPRejection) -> HTTPRawResponse {
        HTTPRawResponse(
            contentType: "application/json", body: Array(#"{"error":"\#(rejection.reason)"}"#.utf8))
    }

    /// Answers handed to evhttp whose last byte has not reached the kernel yet. A draining process
    /// waits for zero before it leaves, or the end of a stream it just finished would be cut off.
    @exclusivity(unchecked) package private(set) var repliesFlushing = 0
    /// Called when `repliesFlushing` drops to zero.
    @exclusivity(unchecked) package var onRepliesFlushed: (() -> Void)?

    fileprivate func replyHandedBack(
        _ request: UnsafeMutablePointer<evhttp_request>, through connectionGuard: HTTPConnectionGuard?
    ) {
        repliesFlushing += 1
        // The guard the exchange already holds is told directly, sparing a lookup in `guards` per reply.
        // passUnretained (both): evhttp calls back only while the connection is open, and the guard stays in
        // `guards` until its close callback; evhttp_free (deinit) drops pending requests without calling back.
        if let connectionGuard {
            evhttp_request_set_on_complete_cb(
                request, guardedReplyWritten, Unmanaged.passUnretained(connectionGuard).toOpaque())
        } else {
            evhttp_request_set_on_complete_cb(request, replyWritten, Unmanaged.passUnretained(self).toOpaque())
        }
    }

    fileprivate func replyWasWritten(_ request: UnsafeMutablePointer<evhttp_request>) {
        replyWasWritten(by: connectionGuard(of: request))
    }

    fileprivate func replyWasWritten(by connectionGuard: HTTPConnectionGuard?) {
        connectionGuard?.replyWritten(now: monotonicNow())
        repliesFlushing -= 1
        if repliesFlushing == 0 { onRepliesFlushed?() }
    }

    /// Stops accepting new connections (for draining); open connections and exchanges carry on.
    package func close() {
        guard let boundSocket else { return }
        self.boundSocket = nil
        resumeTimer?.cancel()
        evhttp_del_accept_socket(http, boundSocket)
    }

    fileprivate func handle(_ request: UnsafeMutablePointer<evhttp_request>) {
        let connectionGuard = self.connectionGuard(of: request)
        connectionGuard?.requestArrived()
        let exchange = HTTPExchange(request: request, server: self, connectionGuard: connectionGuard)
        if exchange.body.count > maxBodyBytes {
            bodyTooLarge(exchange)
        } else {
            handler(exchange)
        }
    }

    private static func localPort(of fd: Int32) -> Int? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard result == 0 else { return nil }
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
            }
        case AF_INET6:
            return withUnsafePointer(to: storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    Int(UInt16(bigEndian: $0.pointee.sin6_port))
                }
            }
        default:
            return nil
        }
    }
}

private func replyWritten(_ request: UnsafeMutablePointer<evhttp_request>?, _ context: UnsafeMutableRawPointer?) {
    guard let request, let context else { return }
    Unmanaged<HTTPServer>.fromOpaque(context).takeUnretainedValue().replyWasWritten(request)
}

private func guardedReplyWritten(_: UnsafeMutablePointer<evhttp_request>?, _ context: UnsafeMutableRawPointer?) {
    guard let context else { return }
    let connectionGuard = Unmanaged<HTTPConnectionGuard>.fromOpaque(context).takeUnretainedValue()
    withExtendedLifetime(connectionGuard) { connectionGuard.server?.replyWasWritten(by: connectionGuard) }
}

extension HTTPExchange {
    /// Lets the server count the reply until evhttp reports it written.
    func handBack(
        _ request: UnsafeMutablePointer<evhttp_request>, to server: HTTPServer?,
        through connectionGuard: HTTPConnectionGuard?
    ) {
        server?.replyHandedBack(request, through: connectionGuard)
    }
}

private func requestArrived(_ request: UnsafeMutablePointer<evhttp_request>?, _ context: UnsafeMutableRawPointer?) {
    guard let request, let context else { return }
    let server = Unmanaged<HTTPServer>.fromOpaque(context).takeUnretainedValue()
    withExtendedLifetime(server) { server.handle(request) }
}
