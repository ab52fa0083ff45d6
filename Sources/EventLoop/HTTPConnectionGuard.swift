import CLibevent
import Glibc

/// One client connection of `HTTPServer`, watched from accept to close, so that what evhttp 2.1 does
/// not bound is bounded here: the size and arrival time of each request head, and how long a
/// keep-alive connection may sit idle.
///
/// evhttp 2.1 has no per-request hooks before the whole request is read (`evhttp_set_newreqcb` is
/// 2.2), and its own header limit answers with an HTML page. So the server creates each connection's
/// bufferevent itself (`evhttp_set_bevcb`) and this guard observes its input buffer with an evbuffer
/// callback, which runs after each socket read and before evhttp parses the bytes. A filtering
/// bufferevent would be the textbook hook, but evhttp 2.1 stalls on a filter's output (a filter only
/// flushes output while writing is enabled, and evhttp enables writing after it queues the reply).
///
/// Each head line is checked as it arrives, before evhttp reads it (`RequestHeadRules`: request line,
/// field syntax, one `Content-Length`, no `Content-Length` with `Transfer-Encoding`), and a declared body
/// over the body limit is refused before a byte of it is read.
///
/// Phases: `awaitingHead` (checking head lines until a blank line) → `readingBody` (evhttp reads the
/// body) → `handling` (the handler has the request; ends when the reply is written) → `awaitingHead`.
/// A rejected connection is answered with a raw response and closed once it is written.
///
/// Its per-request stored properties are `@exclusivity(unchecked)` (see `EventLoop`'s note on it).
final class HTTPConnectionGuard {
    enum Phase: Equatable {
        case awaitingHead
        case readingBody
        case handling
        case rejecting
    }

    /// The `bufferevent*` evhttp reads and writes this connection through; evhttp frees it.
    let bufferEvent: OpaquePointer
    /// The `evhttp_connection*`, known once evhttp has attached the connection (`attach`).
    private(set) var connection: OpaquePointer?
    @exclusivity(unchecked) private(set) var phase = Phase.awaitingHead
    @exclusivity(unchecked) private(set) var phaseStartedAt: Double
    /// When the first byte of the current request head arrived; nil while the connection is idle.
    @exclusivity(unchecked) private(set) var firstByteAt: Double?
    /// Bytes of the current head's complete lines, including lines evhttp has already parsed and drained.
    @exclusivity(unchecked) private(set) var headBytes = 0
    /// Bytes at the start of the input buffer already checked (evhttp drains whole lines from the front).
    @exclusivity(unchecked) private var scanned = 0
    @exclusivity(unchecked) private var rules = RequestHeadRules()
    private var line: [UInt8] = []
    /// Bytes of the global pending-body budget this connection holds until its request reaches the handler.
    @exclusivity(unchecked) private var pendingBody = 0
    /// Follows a chunked body's framing while it arrives (nil for other bodies, and once it is complete).
    @exclusivity(unchecked) private var chunked: ChunkedBodyRules?
    /// The exchange answering the request on this connection, told when the client goes away. Unowned, not
    /// weak: a weak reference gave every request's exchange a side table, allocated and freed again. Safe
    /// because the exchange clears it before it can go (`HTTPExchange.finish`, which its deinit reaches
    /// while idle or streaming) and the connection's close path clears it before telling the exchange.
    @exclusivity(unchecked) unowned var exchange: HTTPExchange?
    weak var server: HTTPServer?

    private let limits: HTTPLimits
    private var callbackEntry: OpaquePointer?
    /// A read event of our own on the connection's socket, with no work to do (`readInterestFired`): while it
    /// is added, evhttp turning its read event off after each request and `HTTPExchange` turning it on again
    /// only move libevent's count of readers on the socket between 2 and 1, so epoll is not told (libevent
    /// registers a change when the count leaves or reaches 0, and an "add" after a "delete" in the same turn
    /// is one `epoll_ctl` even when it changes nothing). Dropped whenever reading is meant to stop.
    private var readInterest: OpaquePointer?
    @exclusivity(unchecked) private var readInterestAdded = false
    private var pendingRejection: [UInt8] = []

    private let maxBodyBytes: Int

    init(bufferEvent: OpaquePointer, limits: HTTPLimits, maxBodyBytes: Int, now: Double) {
        self.bufferEvent = bufferEvent
        self.limits = limits
        self.maxBodyBytes = maxBodyBytes
        phaseStartedAt = now
        // passUnretained: the server drops the guard only in `detach`, which removes this callback first.
        callbackEntry = evbuffer_add_cb(
            bufferevent_get_input(bufferEvent), guardInputChanged, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Called once evhttp has created the connection around `bufferEvent`; its callback argument is the
    /// `evhttp_connection*` (evhttp passes the connection to every bufferevent callback it sets).
    /// Returns false when evhttp has already let the connection go.
    func attach() -> Bool {
        var argument: UnsafeMutableRawPointer?
        bufferevent_getcb(bufferEvent, nil, nil, nil, &argument)
        guard let argument else { return false }
        connection = OpaquePointer(argument)
        let fd = bufferevent_getfd(bufferEvent)
        if fd >= 0, let base = bufferevent_get_base(bufferEvent) {
            // passUnretained: `detach`, which the server runs before it drops the guard, frees the event.
            readInterest = event_new(
                base, fd, Int16(EV_READ | EV_PERSIST), guardReadInterestFired, Unmanaged.passUnretained(self).toOpaque()
            )
            holdReadInterest()
        }
        return true
    }

    /// Adds the idle read event, unless reading has been stopped on purpose (a rejection).
    private func holdReadInterest() {
        guard !readInterestAdded, phase != .rejecting, let readInterest else { return }
        readInterestAdded = event_add(readInterest, nil) == 0
    }

    private func dropReadInterest() {
        guard readInterestAdded, let readInterest else { return }
        readInterestAdded = false
        _ = event_del(readInterest)
    }

    /// The socket is readable. While the bufferevent reads, it does the work; with its reading off (evhttp's
    /// choice, or this guard's), the level-triggered event would fire on every turn, so it steps aside until
    /// the next request or reply puts it back.
    fileprivate func readInterestFired() {
        guard bufferevent_get_enabled(bufferEvent) & Int16(EV_READ) == 0 else { return }
        dropReadInterest()
    }

    /// The connection is being freed: stop observing a buffer about to go away.
    func detach() {
        releasePendingBody()
        if let readInterest {
            // Before evhttp closes the socket: libevent must not keep a registration for a descriptor number
            // that the next accept may reuse.
            event_free(readInterest)
            self.readInterest = nil
            readInterestAdded = false
        }
        if let callbackEntry { _ = evbuffer_remove_cb_entry(bufferevent_get_input(bufferEvent), callbackEntry) }
        callbackEntry = nil
        connection = nil
    }

    /// evhttp has read a whole request and hands it to the handler.
    func requestArrived() {
        holdReadInterest()
        phase = .handling
        observeInput(true)
        releasePendingBody()
    }

    /// Nothing here needs to see a plain body arrive: the input callback is off from the end of its head
    /// until the request reaches the handler, sparing a call for each line and each read evhttp drains.
    private func observeInput(_ observing: Bool) {
        guard let callbackEntry, let input = bufferevent_get_input(bufferEvent) else { return }
        let flags = UInt32(EVBUFFER_CB_ENABLED)
        if observing {
            _ = evbuffer_cb_set_flags(input, callbackEntry, flags)
        } else {
            _ = evbuffer_cb_clear_flags(input, callbackEntry, flags)
        }
    }

    func releasePendingBody() {
        guard pendingBody > 0 else { return }
        server?.releasePendingBody(pendingBody)
        pendingBody = 0
    }

    /// The reply has been written; a keep-alive connection waits for its next request. Bytes a
    /// pipelining client already sent are the next head: evhttp parses them once this callback returns
    /// (in a deferred callback), so they are checked first, on the loop's next turn but ahead of evhttp.
    func replyWritten(now: Double) {
        guard phase == .handling else { return }
        holdReadInterest()
        let buffered = evbuffer_get_length(bufferevent_get_input(bufferEvent))
        startHead(now: now, buffered: buffered)
        guard buffered > 0, let base = bufferevent_get_base(bufferEvent) else { return }
        // passRetained: released in the callback, which libevent runs exactly once.
        _ = event_base_once(
            base, -1, Int16(EV_TIMEOUT), guardCheckPipelined, Unmanaged.passRetained(self).toOpaque(), nil)
    }

    private func startHead(now: Double, buffered: Int) {
        phase = .awaitingHead
        chunked = nil
        phaseStartedAt = now
        headBytes = 0
        scanned = 0
        rules = RequestHeadRules()
        firstByteAt = buffered > 0 ? now : nil
    }

    fileprivate func checkPipelined() {
        guard connection != nil, phase == .awaitingHead else { return }
        let input = bufferevent_get_input(bufferEvent)
        examine(input)
        // Refused: evhttp must not parse what is left.
        if phase == .rejecting, let input { _ = evbuffer_drain(input, evbuffer_get_length(input)) }
    }

    /// What the periodic sweep found this connection should do now.
    enum Verdict: Equatable {
        case keep
        case closeIdle
        case reject(HTTPRejection)
    }

    func verdict(now: Double) -> Verdict {
        guard connection != nil, phase == .awaitingHead else { return .keep }
        if let firstByteAt {
            return now - firstByteAt > limits.headerTimeoutSeconds
                ? .reject(.headerTimeout(seconds: limits.headerTimeoutSeconds)) : .keep
        }
        return now - phaseStartedAt > limits.idleTimeoutSeconds ? .closeIdle : .keep
    }

    /// Unparsed bytes a connection may queue while its request is handled. evhttp keeps reading then
    /// (to notice a close), so without a bound a client could grow the buffer for as long as a stream
    /// lasts. Past it, reading stops until evhttp starts on the next request. (A read high watermark
    /// would say the same, but evhttp 2.1 spins on a Content-Length body under one.)
    var maxQueuedWhileHandling: Int { limits.maxHeaderBytes + (64 << 10) }

    fileprivate func inputChanged(_ buffer: OpaquePointer, added: Int, deleted: Int, now: Double) {
        if deleted > 0 { scanned = max(0, scanned - deleted) }
        guard added > 0 else { return }
        if phase == .handling, evbuffer_get_length(buffer) > maxQueuedWhileHandling {
            dropReadInterest()
            _ = bufferevent_disable(bufferEvent, Int16(EV_READ))
            return
        }
        if phase == .readingBody, chunked != nil {
            return checkChunked(buffer, from: evbuffer_get_length(buffer) - added)
        }
        guard phase == .awaitingHead else { return }
        if firstByteAt == nil { firstByteAt = now }
        examine(buffer)
    }

    /// Feeds the buffer's bytes from `offset` on to the chunked-body rules, without copying them.
    private func checkChunked(_ buffer: OpaquePointer, from offset: Int) {
        let length = evbuffer_get_length(buffer)
        guard offset < length else { return }
        var start = evbuffer_ptr()
        guard evbuffer_ptr_set(buffer, &start, offset, EVBUFFER_PTR_SET) == 0 else { return }
        let count = Int(evbuffer_peek(buffer, length - offset, &start, nil, 0))
        guard count > 0 else { return }
        // `evbuffer_iovec` is a macro for `struct iovec`.
        var vectors = [iovec](repeating: iovec(), count: count)
        _ = evbuffer_peek(buffer, length - offset, &start, &vectors, Int32(count))
        var left = length - offset
        for vector in vectors where left > 0 {
            guard let base = vector.iov_base, chunked != nil else { return }
            let size = min(vector.iov_len, left)
            left -= size
            switch chunked?.accept(UnsafeRawBufferPointer(start: base, count: size)) {
            case .more, nil: continue
            case .complete: chunked = nil
            case .malformed(let reason): return onReject?(self, .badRequest(reason)) ?? ()
            case .tooLarge: return onReject?(self, .bodyTooLarge(limit: maxBodyBytes)) ?? ()
            }
        }
    }

    /// Checks every complete line past `scanned`, then the size of what is still incomplete. Lines are
    /// read where they lie in the buffer's chains; only a line split across two chains is copied out.
    private func examine(_ buffer: OpaquePointer?) {
        guard let buffer else { return }
        let length = evbuffer_get_length(buffer)
        while phase == .awaitingHead, scanned < length {
            var position = evbuffer_ptr()
            guard evbuffer_ptr_set(buffer, &position, scanned, EVBUFFER_PTR_SET) == 0 else { return }
            var vector = iovec()
            guard evbuffer_peek(buffer, length - scanned, &position, &vector, 1) > 0, let base = vector.iov_base
            else { return }
            let chain = UnsafeRawBufferPointer(start: base, count: min(vector.iov_len, length - scanned))
            var lineStart = 0
            // memchr, not `firstIndex(of:)` on a slice: this runs over every byte of every head.
            while lineStart < chain.count, let found = memchr(base + lineStart, 0x0A, chain.count - lineStart) {
                let newline = base.distance(to: found)
                guard check(UnsafeRawBufferPointer(rebasing: chain[lineStart..<newline]), in: buffer) else { return }
                lineStart = newline + 1
            }
            guard scanned + chain.count - lineStart < length else { break }
            // The rest of this chain starts a line that ends in a later chain (or not yet at all).
            guard evbuffer_ptr_set(buffer, &position, scanned, EVBUFFER_PTR_SET) == 0 else { return }
            var newline = UInt8(ascii: "\n")
            let found = evbuffer_search(buffer, &newline, 1, &position)
            guard found.pos >= 0 else { break }
            line.removeAll(keepingCapacity: true)
            let lineLength = found.pos - scanned
            line.append(contentsOf: repeatElement(0, count: lineLength))
            var from = evbuffer_ptr()
            _ = evbuffer_ptr_set(buffer, &from, scanned, EVBUFFER_PTR_SET)
            _ = line.withUnsafeMutableBytes { evbuffer_copyout_from(buffer, &from, $0.baseAddress, lineLength) }
            guard line.withUnsafeBytes({ check($0, in: buffer) }) else { return }
        }
        if phase == .awaitingHead, headBytes + (length - scanned) > limits.maxHeaderBytes {
            onReject?(self, .headersTooLarge(limit: limits.maxHeaderBytes))
        }
    }

    /// One complete head line at `scanned`, without its LF. False once the head is decided: complete (the
    /// body follows) or refused.
    private func check(_ rawLine: UnsafeRawBufferPointer, in buffer: OpaquePointer) -> Bool {
        headBytes += rawLine.count + 1
        if headBytes > limits.maxHeaderBytes {
            onReject?(self, .headersTooLarge(limit: limits.maxHeaderBytes))
            return false
        }
        scanned += rawLine.count + 1
        // Rebased on a range: `dropLast()` took the generic path, for every head line.
        let crlf = rawLine.last == UInt8(ascii: "\r")
        let line = crlf ? UnsafeRawBufferPointer(rebasing: rawLine[..<(rawLine.count - 1)]) : rawLine
        // On a copy, stored back at once: `rules.accept` in place held a dynamic exclusivity access on the
        // property across the call, for every head line.
        var rules = self.rules
        let verdict = rules.accept(line)
        self.rules = rules
        switch verdict {
        case .more:
            return true
        case .complete(let contentLength):
            if let contentLength, contentLength > maxBodyBytes {
                onReject?(self, .bodyTooLarge(limit: maxBodyBytes))
                return false
            }
            let body = rules.isChunked ? maxBodyBytes : contentLength ?? 0
            if body > 0 {
                guard let server, server.reservePendingBody(body) else {
                    onReject?(self, .bodiesPending(limit: server?.maxPendingBodyBytes ?? 0))
                    return false
                }
                pendingBody = body
            }
            phase = .readingBody
            if rules.isChunked {
                chunked = ChunkedBodyRules(limit: maxBodyBytes)
                // Bytes after the blank line in this read are the body's first.
                checkChunked(buffer, from: scanned)
            } else {
                observeInput(false)
            }
            return false
        case .reject(let reason):
            onReject?(self, .badRequest(reason))
            return false
        case .methodNotAllowed(let method):
            onReject?(self, .methodNotAllowed(method))
            return false
        }
    }

    /// Set by the server: answer this connection itself.
    var onReject: ((HTTPConnectionGuard, HTTPRejection) -> Void)?

    /// Answers the connection with `response` and closes it once written. evhttp never sees another
    /// byte from it: its callbacks are replaced and reading stops. `close` frees the connection.
    func reject(with response: [UInt8]) {
        guard connection != nil, phase != .rejecting else { return }
        phase = .rejecting
        pendingRejection = response
        dropReadInterest()
        _ = bufferevent_disable(bufferEvent, Int16(EV_READ))
        // passUnretained: the server keeps the guard until the connection's close callback.
        bufferevent_setcb(
            bufferEvent, nil, guardRejectionWritten, guardRejectionEvent, Unmanaged.passUnretained(self).toOpaque())
        response.withUnsafeBytes { _ = bufferevent_write(bufferEvent, $0.baseAddress, $0.count) }
        _ = bufferevent_enable(bufferEvent, Int16(EV_WRITE))
    }

    /// Frees the connection through evhttp, which runs the close callback (and so `detach`).
    func close() {
        guard let connection else { return }
        evhttp_connection_free(connection)
    }
}

private func guardInputChanged(
    _ buffer: OpaquePointer?, _ info: UnsafePointer<evbuffer_cb_info>?, _ context: UnsafeMutableRawPointer?
) {
    guard let buffer, let info, let context else { return }
    let connectionGuard = Unmanaged<HTTPConnectionGuard>.fromOpaque(context).takeUnretainedValue()
    withExtendedLifetime(connectionGuard) {
        connectionGuard.inputChanged(
            buffer, added: info.pointee.n_added, deleted: info.pointee.n_deleted, now: monotonicNow())
    }
}

private func guardReadInterestFired(_: Int32, _: Int16, _ context: UnsafeMutableRawPointer?) {
    guard let context else { return }
    let connectionGuard = Unmanaged<HTTPConnectionGuard>.fromOpaque(context).takeUnretainedValue()
    withExtendedLifetime(connectionGuard) { connectionGuard.readInterestFired() }
}

private func guardRejectionWritten(_: OpaquePointer?, _ context: UnsafeMutableRawPointer?) {
    guard let context else { return }
    let connectionGuard = Unmanaged<HTTPConnectionGuard>.fromOpaque(context).takeUnretainedValue()
    withExtendedLifetime(connectionGuard) { connectionGuard.close() }
}

private func guardRejectionEvent(_: OpaquePointer?, _: Int16, _ context: UnsafeMutableRawPointer?) {
    guard let context else { return }
    let connectionGuard = Unmanaged<HTTPConnectionGuard>.fromOpaque(context).takeUnretainedValue()
    withExtendedLifetime(connectionGuard) { connectionGuard.close() }
}

private func guardCheckPipelined(_: Int32, _: Int16, _ context: UnsafeMutableRawPointer?) {
    guard let context else { return }
    Unmanaged<HTTPConnectionGuard>.fromOpaque(context).takeRetainedValue().checkPipelined()
}
