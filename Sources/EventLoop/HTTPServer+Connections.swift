import CLibevent
import GatewayLog
import Glibc
import Synchronization

/// Connection bookkeeping: a guard per connection from accept to close, the sweep that enforces the
/// head and idle deadlines, and pausing the listener at capacity or when descriptors run out.
extension HTTPServer {
    /// evhttp's bufferevent callback: a new connection was accepted and needs its bufferevent.
    fileprivate func makeBuffer() -> OpaquePointer? {
        // No BEV_OPT_CLOSE_ON_FREE: evhttp closes the socket itself when it frees the connection.
        guard let buffer = bufferevent_socket_new(loop.base, -1, 0) else { return nil }
        let connectionGuard = HTTPConnectionGuard(
            bufferEvent: buffer, limits: limits, maxBodyBytes: maxBodyBytes, now: monotonicNow())
        connectionGuard.server = self
        connectionGuard.onReject = { [weak self] connectionGuard, rejection in
            self?.reject(connectionGuard, rejection)
        }
        guards[buffer] = connectionGuard
        connectionsAccepted += 1
        updateListener()
        // evhttp wraps the bufferevent in its connection only after this callback returns, so the guard
        // attaches on the loop's next turn. event_base_once with no timeout activates at once and in
        // order: it runs before any I/O on the new socket can make evhttp free the connection.
        // passRetained: released in the callback, which libevent runs exactly once.
        _ = event_base_once(
            loop.base, -1, Int16(EV_TIMEOUT), attachGuard, Unmanaged.passRetained(connectionGuard).toOpaque(), nil)
        return buffer
    }

    fileprivate func attach(_ connectionGuard: HTTPConnectionGuard) {
        guard guards[connectionGuard.bufferEvent] === connectionGuard else { return }
        guard connectionGuard.attach(), let connection = connectionGuard.connection else {
            forget(connectionGuard)
            return
        }
        // passUnretained: `guards` holds the guard until this callback, which evhttp runs when it frees
        // the connection, takes it out.
        evhttp_connection_set_closecb(
            connection, connectionFreed, Unmanaged.passUnretained(connectionGuard).toOpaque())
    }

    fileprivate func closed(_ connectionGuard: HTTPConnectionGuard) {
        if let exchange = connectionGuard.exchange {
            connectionGuard.exchange = nil
            exchange.connectionClosed()
        }
        forget(connectionGuard)
    }

    private func forget(_ connectionGuard: HTTPConnectionGuard) {
        connectionGuard.detach()
        if guards[connectionGuard.bufferEvent] === connectionGuard { guards[connectionGuard.bufferEvent] = nil }
        updateListener()
    }

    /// The guard of the connection a request arrived on.
    func connectionGuard(of request: UnsafeMutablePointer<evhttp_request>) -> HTTPConnectionGuard? {
        guard let connection = evhttp_request_get_connection(request),
            let buffer = evhttp_connection_get_bufferevent(connection)
        else { return nil }
        return guards[buffer]
    }

    func reject(_ connectionGuard: HTTPConnectionGuard, _ rejection: HTTPRejection) {
        let response = self.rejection(rejection)
        Log.debug("answering a connection \(rejection.status) \(rejection.reason) and closing it")
        var head = "HTTP/1.1 \(rejection.status) \(rejection.reason)\r\n"
        head += "Content-Type: \(response.contentType)\r\nContent-Length: \(response.body.count)\r\n"
        if rejection.status == 503 { head += "Retry-After: 1\r\n" }
        if rejection.status == 405 { head += "Allow: \(RequestHeadRules.methods.sorted().joined(separator: ", "))\r\n" }
        for (name, value) in response.headers.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        head += "Connection: close\r\n\r\n"
        connectionGuard.reject(with: Array(head.utf8) + response.body)
    }

    /// Once a second: close idle keep-alive connections and answer heads that are taking too long.
    func sweep() {
        let now = monotonicNow()
        for connectionGuard in Array(guards.values) {
            switch connectionGuard.verdict(now: now) {
            case .keep: break
            case .closeIdle: connectionGuard.close()
            case .reject(let rejection): reject(connectionGuard, rejection)
            }
        }
        sweepTimer?.schedule(after: 1)
    }

    /// accept() failed. Out of descriptors, the pending connection stays in the backlog and the listener
    /// would fire again at once, forever: pause it for a moment instead.
    fileprivate func acceptFailed(errno code: Int32) {
        let reason = String(cString: strerror(code))
        if let suppressed = acceptFailureLog.shouldLog(now: monotonicNow()) {
            let more = suppressed > 0 ? " (\(suppressed) more since the last report)" : ""
            Log.warning(
                "accept() failed: \(reason) with \(guards.count) connection(s) open; "
                    + "pausing new connections for \(Int(Self.acceptBackoffSeconds * 1000)) ms\(more)")
        }
        acceptPauses.insert(.outOfDescriptors)
        updateListener()
        let timer =
            resumeTimer
            ?? Timer(loop: loop) { [weak self] in
                self?.acceptPauses.remove(.outOfDescriptors)
                self?.updateListener()
            }
        resumeTimer = timer
        timer.schedule(after: Self.acceptBackoffSeconds)
    }

    func updateListener() {
        if guards.count >= maxConnections {
            acceptPauses.insert(.atCapacity)
        } else {
            acceptPauses.remove(.atCapacity)
        }
        guard let boundSocket, let listener = evhttp_bound_socket_get_listener(boundSocket) else { return }
        let pause = !acceptPauses.isEmpty
        guard pause != listenerPaused else { return }
        listenerPaused = pause
        if pause {
            _ = evconnlistener_disable(listener)
            if acceptPauses.contains(.atCapacity) {
                Log.warning("\(guards.count) connections open (MAX_CONNECTIONS): not accepting more until one closes")
            }
        } else {
            _ = evconnlistener_enable(listener)
        }
    }
}

/// Logs the first event, then at most one line per `interval` seconds carrying the count skipped.
struct RateLimitedLog {
    let interval: Double
    private var lastLogged: Double?
    private var suppressed = 0

    init(interval: Double) { self.interval = interval }

    /// nil: stay quiet. Otherwise log now, mentioning this many events not logged since the last line.
    mutating func shouldLog(now: Double) -> Int? {
        if let lastLogged, now - lastLogged < interval {
            suppressed += 1
            return nil
        }
        lastLogged = now
        defer { suppressed = 0 }
        return suppressed
    }
}

func serverMakeConnectionBuffer(_: OpaquePointer?, _ context: UnsafeMutableRawPointer?) -> OpaquePointer? {
    guard let context else { return nil }
    return Unmanaged<HTTPServer>.fromOpaque(context).takeUnretainedValue().makeBuffer()
}

private func attachGuard(_: Int32, _: Int16, _ context: UnsafeMutableRawPointer?) {
    guard let context else { return }
    let connectionGuard = Unmanaged<HTTPConnectionGuard>.fromOpaque(context).takeRetainedValue()
    connectionGuard.server?.attach(connectionGuard)
}

private func connectionFreed(_: OpaquePointer?, _ context: UnsafeMutableRawPointer?) {
    guard let context else { return }
    let connectionGuard = Unmanaged<HTTPConnectionGuard>.fromOpaque(context).takeUnretainedValue()
    withExtendedLifetime(connectionGuard) {
        if let server = connectionGuard.server {
            server.closed(connectionGuard)
        } else {
            // The server is being freed: only tell the exchange and stop observing.
            if let exchange = connectionGuard.exchange {
                connectionGuard.exchange = nil
                exchange.connectionClosed()
            }
            connectionGuard.detach()
        }
    }
}

/// The listener's error callback gets the listener's argument, which evhttp set to its `evhttp*`, so
/// the server is found through this table.
private let serversByHTTP = Mutex<[UInt: WeakServer]>([:])

private final class WeakServer: @unchecked Sendable {
    weak var server: HTTPServer?
    init(_ server: HTTPServer) { self.server = server }
}

extension HTTPServer {
    func registerForAcceptErrors(_ http: OpaquePointer) {
        let box = WeakServer(self)
        serversByHTTP.withLock { $0[UInt(bitPattern: UnsafeRawPointer(http))] = box }
    }

    func unregisterForAcceptErrors(_ http: OpaquePointer) {
        _ = serversByHTTP.withLock { $0.removeValue(forKey: UInt(bitPattern: UnsafeRawPointer(http))) }
    }
}

func listenerAcceptFailed(_: OpaquePointer?, _ context: UnsafeMutableRawPointer?) {
    let code = errno
    guard let context else { return }
    let box = serversByHTTP.withLock { $0[UInt(bitPattern: context)] }
    box?.server?.acceptFailed(errno: code)
}
