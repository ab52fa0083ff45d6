import CLibevent
import Glibc

/// One HTTP request and its answer, given exactly once: idle → (streaming →) finished.
///
/// Lifetime of the `evhttp_request*`: evhttp frees it itself after the last byte of a reply is written,
/// and frees or detaches it when the connection fails. So the exchange hands the pointer back at the
/// moment it calls `evhttp_send_reply` / `evhttp_send_reply_end` and never touches it again; and the
/// connection's close callback (registered for as long as the exchange holds the pointer) tells it when
/// the client went away first. On that path evhttp 2.1 detaches an unfinished request from its
/// connection and leaves it to its user, so the exchange frees it.
///
/// A client that disconnects is noticed while streaming (evhttp watches for EOF then) and also while
/// the handler is still working on a plain answer: the exchange keeps the connection's read side
/// enabled, without a read callback, exactly as evhttp does while it writes.
///
/// Dropping an unanswered exchange answers 500 (or ends the stream), so no request is left hanging.
///
/// Its per-request stored properties are `@exclusivity(unchecked)` (see `EventLoop`'s note on it).
package final class HTTPExchange: EndOfTurnFlushing {
    private enum State { case idle, streaming, finished }

    @exclusivity(unchecked) private var state = State.idle
    /// The `evhttp_request*`, owned by evhttp; nil once handed back or freed.
    @exclusivity(unchecked) private var request: UnsafeMutablePointer<evhttp_request>?
    /// The `evhttp_connection*` the request arrived on; valid while `request` is non-nil.
    @exclusivity(unchecked) private var connection: OpaquePointer?

    package let method: String
    /// The path as sent, without the query.
    package let path: String
    package let query: String?
    /// Request headers in arrival order, copied out of evhttp's list on first use: read them before the
    /// answer is sent (the list goes with the request then), as handlers do. `header(_:)` looks one up in
    /// evhttp's list without copying the others, each a String or two.
    package private(set) lazy var headers: [(String, String)] = collectHeaders()
    package let body: [UInt8]

    /// The client closed the connection (or it timed out) before the answer was finished; called once.
    /// Sending after that is a no-op.
    @exclusivity(unchecked) package var onClientClose: (() -> Void)?
    /// A chunk sent with `sendChunk` has been flushed to the kernel: `outputBufferedBytes` is 0 again.
    @exclusivity(unchecked) package var onDrain: (() -> Void)?
    @exclusivity(unchecked) package private(set) var clientClosed = false

    /// Sets `onClientClose` and `onDrain` at once. A method because the shim sets and clears both for every
    /// request: an assignment compiled in another module pays the runtime exclusivity check all the same.
    package func setCallbacks(onClientClose: (() -> Void)?, onDrain: (() -> Void)?) {
        self.onClientClose = onClientClose
        self.onDrain = onDrain
    }

    /// evhttp holds this exchange's flush callback (the first chunk went through it), so later chunks
    /// can be written to the connection directly.
    @exclusivity(unchecked) private var chunkCallbackSet = false
    @exclusivity(unchecked) private var flushScheduled = false
    /// For the end-of-turn flush; nil for an exchange made without a server (tests). Held, not read through
    /// the weak `server` on every chunk: that was a weak load per token.
    private let loop: EventLoop?

    /// Weak: an exchange may outlive its server during shutdown.
    private weak var server: HTTPServer?
    /// Tells this exchange when the connection closes; without one (a connection the server does not
    /// know), the exchange registers evhttp's close callback itself. Held strongly: the guard holds this
    /// exchange unowned only, so there is no cycle, and a weak reference cost a side-table load on each use
    /// and a weak reference count per request; a guard kept past its connection's close is detached.
    private let connectionGuard: HTTPConnectionGuard?

    init(
        request: UnsafeMutablePointer<evhttp_request>, server: HTTPServer? = nil,
        connectionGuard: HTTPConnectionGuard? = nil
    ) {
        self.request = request
        self.server = server
        loop = server?.loop
        self.connectionGuard = connectionGuard
        method = Self.methodName(evhttp_request_get_command(request))
        let target = evhttp_request_get_uri(request).map { String(cString: $0) } ?? "/"
        if let mark = Self.queryMark(in: target) {
            path = String(target[..<mark])
            query = String(target[target.index(after: mark)...])
        } else {
            path = target
            query = nil
        }
        body = Self.drain(evhttp_request_get_input_buffer(request))

        let connection = evhttp_request_get_connection(request)
        self.connection = connection
        if let connection {
            if let connectionGuard {
                connectionGuard.exchange = self
            } else {
                // passUnretained: every path that drops `request` (finish, close, deinit) clears this first.
                evhttp_connection_set_closecb(
                    connection, exchangeConnectionClosed, Unmanaged.passUnretained(self).toOpaque())
            }
            Self.watchForClose(connection)
        }
    }

    deinit {
        switch state {
        case .idle: respond(status: 500, headers: [("Connection", "close")], body: [])
        case .streaming: finishStreaming()
        case .finished: break
        }
    }

    /// Where the first `?` Character of `target` is. An ASCII target (every real one) is searched by
    /// code unit, where `firstIndex(of: Character)` walked grapheme clusters; others as before.
    package static func queryMark(in target: String) -> String.Index? {
        // Over the contiguous bytes (every native String has them): walking the UTF-8 view with an
        // enumerated iterator cost some 14 instructions a byte, on every request's target.
        let scanned = target.utf8.withContiguousStorageIfAvailable { bytes in contiguousQueryOffset(bytes) }
        guard let found = scanned ?? asciiQueryOffset(target.utf8) else { return target.firstIndex(of: "?") }
        return found.map { target.utf8.index(target.utf8.startIndex, offsetBy: $0) }
    }

    /// `asciiQueryOffset` for bytes in memory: ASCII judged eight bytes at a time and the mark found by
    /// `memchr`, where the byte loop cost some 15 instructions a byte of every request's target.
    private static func contiguousQueryOffset(_ bytes: UnsafeBufferPointer<UInt8>) -> Int?? {
        guard let base = bytes.baseAddress else { return .some(nil) }
        var i = 0
        var high: UInt64 = 0
        while i + 8 <= bytes.count {
            high |= UnsafeRawPointer(base).loadUnaligned(fromByteOffset: i, as: UInt64.self)
            i += 8
        }
        while i < bytes.count {
            high |= UInt64(bytes[i])
            i += 1
        }
        guard high & 0x8080_8080_8080_8080 == 0 else { return nil }
        guard let mark = memchr(base, Int32(UInt8(ascii: "?")), bytes.count) else { return .some(nil) }
        return .some(UnsafeRawPointer(base).distance(to: mark))
    }

    /// nil when `bytes` are not all ASCII; otherwise the offset of the first `?`, if there is one.
    private static func asciiQueryOffset<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Int?? {
        var offset: Int?
        var i = 0
        for byte in bytes {
            if byte >= 0x80 { return nil }
            if byte == UInt8(ascii: "?"), offset == nil { offset = i }
            i += 1
        }
        return .some(offset)
    }

    /// The first request header with this name, compared case-insensitively: while the request is held,
    /// evhttp's own lookup (an ASCII fold, as `headerNamesMatch` does for the ASCII names `RequestHeadRules`
    /// lets through).
    package func header(_ name: String) -> String? {
        withHeader(name) { $0.map { String(decoding: $0, as: UTF8.self) } }
    }

    /// `body` gets the bytes of the header `header(_:)` finds (nil when there is none) without a String made
    /// of them: a caller that wants only part of the value (a bearer token) makes a String of that part alone.
    package func withHeader<R>(_ name: String, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
        if let request {
            guard let input = evhttp_request_get_input_headers(request) else { return body(nil) }
            // evhttp_find_header's walk, with the fold inline: it calls a function per character compared (two
            // lookups a request, across every header the client sent).
            var name = name
            let value = name.withUTF8 { wanted -> UnsafeMutablePointer<CChar>? in
                var entry = input.pointee.tqh_first
                while let header = entry {
                    if let key = header.pointee.key, Self.cStringMatches(key, wanted) { return header.pointee.value }
                    entry = header.pointee.next.tqe_next
                }
                return nil
            }
            guard let value else { return body(nil) }
            let count = strlen(value)
            return value.withMemoryRebound(to: UInt8.self, capacity: count) {
                body(UnsafeBufferPointer(start: $0, count: count))
            }
        }
        guard var value = headers.first(where: { Self.headerNamesMatch($0.0, name) })?.1 else { return body(nil) }
        return value.withUTF8 { body($0) }
    }

    /// `withHeader` for two names at once, as `body(first, second)`: one walk of evhttp's list where two walks
    /// took a request's two lookups (its id and its key) across every header the client sent, the first
    /// usually to the end. Each is the first header of its name, as `withHeader` finds it.
    package func withHeaders<R>(
        _ first: StaticString, _ second: StaticString,
        _ body: (UnsafeBufferPointer<UInt8>?, UnsafeBufferPointer<UInt8>?) -> R
    ) -> R {
        guard let request else {
            return withHeader(first.description) { one in withHeader(second.description) { body(one, $0) } }
        }
        let firstName = UnsafeBufferPointer(start: first.utf8Start, count: first.utf8CodeUnitCount)
        let secondName = UnsafeBufferPointer(start: second.utf8Start, count: second.utf8CodeUnitCount)
        var found: (UnsafeMutablePointer<CChar>?, UnsafeMutablePointer<CChar>?) = (nil, nil)
        var entry = evhttp_request_get_input_headers(request)?.pointee.tqh_first
        while let header = entry, found.0 == nil || found.1 == nil {
            if let key = header.pointee.key {
                if found.0 == nil, Self.cStringMatches(key, firstName) {
                    found.0 = header.pointee.value
                } else if found.1 == nil, Self.cStringMatches(key, secondName) {
                    found.1 = header.pointee.value
                }
            }
            entry = header.pointee.next.tqe_next
        }
        return Self.withValue(found.0) { one in Self.withValue(found.1) { body(one, $0) } }
    }

    /// `body` gets a header value's bytes (nil for none).
    private static func withValue<R>(
        _ value: UnsafeMutablePointer<CChar>?, _ body: (UnsafeBufferPointer<UInt8>?) -> R
    ) -> R {
        guard let value else { return body(nil) }
        let count = strlen(value)
        return value.withMemoryRebound(to: UInt8.self, capacity: count) {
            body(UnsafeBufferPointer(start: $0, count: count))
        }
    }

    /// `evutil_ascii_strcasecmp(key, wanted) == 0`: equal but for the case of ASCII letters.
    private static func cStringMatches(_ key: UnsafePointer<CChar>, _ wanted: UnsafeBufferPointer<UInt8>) -> Bool {
        for i in 0..<wanted.count {
            let byte = UInt8(bitPattern: key[i])
            guard byte != 0, foldASCII(byte) == foldASCII(wanted[i]) else { return false }
        }
        return key[wanted.count] == 0
    }

    private func collectHeaders() -> [(String, String)] {
        guard let request else { return [] }
        var collected: [(String, String)] = []
        var entry = evhttp_request_get_input_headers(request)?.pointee.tqh_first
        while let header = entry {
            if let key = header.pointee.key, let value = header.pointee.value {
                collected.append((String(cString: key), String(cString: value)))
            }
            entry = header.pointee.next.tqe_next
        }
        return collected
    }

    /// Header names compared case-insensitively. Names are ASCII (`RequestHeadRules` refuses others),
    /// so the ASCII fold decides without lowercasing two Strings per header per lookup; anything else
    /// compares as `lowercased()` did.
    package static func headerNamesMatch(_ a: String, _ b: String) -> Bool {
        var a = a
        var b = b
        // ASCII lowercases in place and nothing lowercases to nothing, so an ASCII byte pair that differs
        // after folding, or a length difference over ASCII alone, already decides.
        let ascii: Bool? = a.withUTF8 { x in
            b.withUTF8 { y in
                for i in 0..<min(x.count, y.count) {
                    guard x[i] < 0x80, y[i] < 0x80 else { return nil }
                    if foldASCII(x[i]) != foldASCII(y[i]) { return false }
                }
                let rest = x.count > y.count ? x[y.count...] : y[x.count...]
                guard rest.allSatisfy({ $0 < 0x80 }) else { return nil }
                return x.count == y.count
            }
        }
        return ascii ?? (a.lowercased() == b.lowercased())
    }

    private static func foldASCII(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    package var isFinished: Bool { state == .finished }

    /// Bytes queued toward the client on this connection and not yet written to the socket.
    package var outputBufferedBytes: Int {
        guard request != nil, let connection, let bev = evhttp_connection_get_bufferevent(connection) else { return 0 }
        return evbuffer_get_length(bufferevent_get_output(bev))
    }

    /// Sends a complete answer (with Content-Length). Ignored unless the exchange is idle.
    ///
    /// Our headers go out with the status line where they can (`HTTPResponseHead`), and the `Date` evhttp
    /// would add comes from the server's once-a-second copy, added where evhttp would have added it.
    package func respond(status: Int, headers: [(String, String)], body: [UInt8]) {
        guard state == .idle, let request else { return }
        let inlined = HTTPResponseHead.inlinableCount(headers)
        Self.add(headers[inlined...], to: request)
        if let server, request.pointee.major == 1, request.pointee.minor >= 1,
            let output = evhttp_request_get_output_headers(request)
        {
            let given = Self.framingHeadersGiven(in: headers)
            if !given.date { _ = server.withDateHeaderValue { evhttp_add_header(output, "Date", $0) } }
            // The Content-Length evhttp adds next for HTTP/1.1 (`evhttp_maybe_add_content_length_header`), in the
            // same place and spelling, without the snprintf it formats the number with.
            if !given.length, Self.replyNeedsBody(status: status, request) {
                Self.withDecimal(body.count) { _ = evhttp_add_header(output, "Content-Length", $0) }
            }
        }
        if !body.isEmpty, let output = evhttp_request_get_output_buffer(request) {
            body.withUnsafeBytes { _ = evbuffer_add(output, $0.baseAddress, $0.count) }
        }
        let bev = connection.flatMap { evhttp_connection_get_bufferevent($0) }
        guard let handedBack = finish() else { return }
        Self.withReason(status: status, headers: headers[..<inlined]) {
            evhttp_send_reply(handedBack, Int32(clamping: status), $0, nil)
        }
        if let bev { Self.sendReplyNow(on: bev) }
    }

    /// Whether `headers` name a `Date`, and a `Content-Length` or `Transfer-Encoding` (either stops evhttp adding
    /// a length), so that the reply does not get a second one.
    private static func framingHeadersGiven(in headers: [(String, String)]) -> (date: Bool, length: Bool) {
        var given = (date: false, length: false)
        for (name, _) in headers {
            switch name.utf8.count {
            case 4: given.date = given.date || headerNamesMatch(name, "Date")
            case 14: given.length = given.length || headerNamesMatch(name, "Content-Length")
            case 17: given.length = given.length || headerNamesMatch(name, "Transfer-Encoding")
            default: break
            }
        }
        return given
    }

    /// evhttp's `evhttp_response_needs_body` for a reply of `status` (its `response_code` is set only once the
    /// reply is sent).
    private static func replyNeedsBody(status: Int, _ request: UnsafeMutablePointer<evhttp_request>) -> Bool {
        let code = Int32(clamping: status)
        return code != 204 && code != 304 && (code < 100 || code >= 200) && request.pointee.type != EVHTTP_REQ_HEAD
    }

    /// `body` gets `value` (non-negative) in decimal as a NUL-terminated C string, as `%zu` writes it.
    static func withDecimal<R>(_ value: Int, _ body: (UnsafePointer<CChar>) -> R) -> R {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 24) { digits in
            var rest = value.magnitude
            var start = digits.count - 1
            digits[start] = 0
            repeat {
                start -= 1
                digits[start] = CChar(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10))
                rest /= 10
            } while rest > 0
            // Never nil: the allocation is not empty.
            guard let base = digits.baseAddress else { return "0".withCString(body) }
            return body(base + start)
        }
    }

    /// `body` gets the reason to hand evhttp: nil (evhttp's own phrase) without headers to send with it.
    private static func withReason(
        status: Int, headers: ArraySlice<(String, String)>, _ body: (UnsafePointer<CChar>?) -> Void
    ) {
        guard !headers.isEmpty else { return body(nil) }
        HTTPResponseHead.withReason(status: status, headers: headers) { reason in
            reason.withMemoryRebound(to: CChar.self) { body($0.baseAddress) }
        }
    }

    /// evhttp sends what it queued once the connection's write event fires: turned on, a wakeup from
    /// epoll, turned off, two `epoll_ctl` calls and a loop turn per reply. Written now instead; when the
    /// kernel took it all, evhttp's "reply written" callback runs as the bufferevent would have run it,
    /// deferred to later in this loop turn (not inside the caller's stack) and dropped if the connection is
    /// freed first. A reply the kernel does not take at once goes out through the write event as before.
    private static func sendReplyNow(on bev: OpaquePointer) {
        guard writeQueuedOutput(of: bev) == 0 else { return }
        bufferevent_trigger(bev, Int16(EV_WRITE), Int32(BEV_TRIG_DEFER_CALLBACKS.rawValue))
    }

    /// Sends the status line and headers; the body follows in chunks (HTTP/1.1 chunked encoding; for an
    /// HTTP/1.0 client evhttp sends the raw body and closes the connection at the end).
    package func startStreaming(status: Int, headers: [(String, String)]) {
        guard state == .idle, let request else { return }
        // With the status line where they can (`HTTPResponseHead`). evhttp's `Date` stays its own: it follows
        // the `Transfer-Encoding` that `evhttp_send_reply_start` adds.
        let inlined = HTTPResponseHead.inlinableCount(headers)
        Self.add(headers[inlined...], to: request)
        state = .streaming
        Self.withReason(status: status, headers: headers[..<inlined]) {
            evhttp_send_reply_start(request, Int32(clamping: status), $0)
        }
    }

    /// Queues one chunk; empty chunks are skipped (an empty chunk would end the stream).
    package func sendChunk(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { sendChunk($0) }
    }

    package func sendChunk(_ bytes: UnsafeRawBufferPointer) {
        guard state == .streaming, let request, let base = bytes.baseAddress, !bytes.isEmpty else { return }
        guard chunkCallbackSet else { return sendChunkThroughEvhttp(request, bytes) }
        guard let evcon = evhttp_request_get_connection(request), let bev = evhttp_connection_get_bufferevent(evcon)
        else { return }
        // What `evhttp_send_reply_chunk_with_cb` does, minus what the first chunk already set up and
        // nothing since changed (its write and flush callbacks): the size line, data and CRLF written
        // straight into space reserved at the end of the connection's output, where evhttp takes an
        // `evbuffer` per chunk, a printf and three adds.
        guard Self.responseNeedsBody(request), let output = bufferevent_get_output(bev) else { return }
        let chunked = request.pointee.chunked != 0
        let digits = chunked ? Self.hexDigitCount(bytes.count) : 0
        let total = chunked ? digits + 2 + bytes.count + 2 : bytes.count
        var space = iovec()
        guard evbuffer_reserve_space(output, total, &space, 1) == 1, space.iov_len >= total, var at = space.iov_base
        else {
            _ = evbuffer_add(output, base, bytes.count)  // not reached: reserving only fails for want of memory
            return
        }
        if chunked {
            Self.writeHex(bytes.count, digits: digits, to: at)
            Self.writeCRLF(to: at + digits)
            at += digits + 2
        }
        at.copyMemory(from: base, byteCount: bytes.count)
        if chunked { Self.writeCRLF(to: at + bytes.count) }
        space.iov_len = total
        _ = evbuffer_commit_space(output, &space, 1)
        // Written once this loop callback returns, with every other chunk it renders (`flushAtEndOfTurn`).
        if !flushScheduled, let loop {
            flushScheduled = true
            loop.endOfTurn.schedule(self)
        } else if loop == nil, bufferevent_get_enabled(bev) & Int16(EV_WRITE) == 0 {
            _ = bufferevent_enable(bev, Int16(EV_WRITE))
        }
    }

    /// Sends the chunks queued this turn straight to the socket. The bufferevent's write event goes on only
    /// when the kernel leaves some (a slow client; its flush callback then reports the drain) and off again
    /// when nothing waits, so a token costs one write and no epoll_ctl.
    package func flushAtEndOfTurn() {
        flushScheduled = false
        guard state == .streaming, request != nil, let connection,
            let bev = evhttp_connection_get_bufferevent(connection)
        else { return }
        guard evbuffer_get_length(bufferevent_get_output(bev)) > 0 else { return }
        let writing = bufferevent_get_enabled(bev) & Int16(EV_WRITE) != 0
        if writeQueuedOutput(of: bev) > 0 {
            if !writing { _ = bufferevent_enable(bev, Int16(EV_WRITE)) }
        } else {
            if writing { _ = bufferevent_disable(bev, Int16(EV_WRITE)) }
            // What the flush callback would have said had the bufferevent written it.
            chunkFlushed()
        }
    }

    private func sendChunkThroughEvhttp(
        _ request: UnsafeMutablePointer<evhttp_request>, _ bytes: UnsafeRawBufferPointer
    ) {
        guard let buffer = evbuffer_new() else { return }
        _ = evbuffer_add(buffer, bytes.baseAddress, bytes.count)
        // passUnretained: deinit ends the stream, which replaces this callback in evhttp.
        evhttp_send_reply_chunk_with_cb(
            request, buffer, exchangeChunkFlushed, Unmanaged.passUnretained(self).toOpaque())
        evbuffer_free(buffer)
        // Only once evhttp holds the callback may later chunks skip it (it returns early without a connection).
        chunkCallbackSet = evhttp_request_get_connection(request) != nil
    }

    /// evhttp's `evhttp_response_needs_body`, which it checks before every chunk.
    private static func responseNeedsBody(_ request: UnsafeMutablePointer<evhttp_request>) -> Bool {
        let code = request.pointee.response_code
        return code != 204 && code != 304 && (code < 100 || code >= 200)
            && request.pointee.type != EVHTTP_REQ_HEAD
    }

    /// `%x`: lower-case hex, no leading zeros.
    package static func appendHex(_ value: Int, to out: inout [UInt8]) {
        let digits = hexDigitCount(value)
        out.append(contentsOf: repeatElement(0, count: digits))
        out.withUnsafeMutableBytes { bytes in
            guard let end = bytes.baseAddress.map({ $0 + bytes.count }) else { return }
            writeHex(value, digits: digits, to: end - digits)
        }
    }

    private static func writeCRLF(to out: UnsafeMutableRawPointer) {
        out.storeBytes(of: 0x0D, as: UInt8.self)
        out.storeBytes(of: 0x0A, toByteOffset: 1, as: UInt8.self)
    }

    /// How many digits `%x` writes for a non-negative `value`.
    static func hexDigitCount(_ value: Int) -> Int {
        (Int.bitWidth - (value | 1).leadingZeroBitCount + 3) / 4
    }

    /// `value` as `digits` lower-case hex digits at `out`.
    private static func writeHex(_ value: Int, digits: Int, to out: UnsafeMutableRawPointer) {
        var rest = value
        for i in stride(from: digits - 1, through: 0, by: -1) {
            let nibble = UInt8(truncatingIfNeeded: rest & 0xF)
            out.storeBytes(of: nibble < 10 ? 0x30 + nibble : 0x57 + nibble, toByteOffset: i, as: UInt8.self)
            rest >>= 4
        }
    }

    package func finishStreaming() {
        let bev = connection.flatMap { evhttp_connection_get_bufferevent($0) }
        guard state == .streaming, let handedBack = finish() else { return }
        evhttp_send_reply_end(handedBack)
        if let bev { Self.sendReplyNow(on: bev) }
    }

    /// Ends the exchange's hold on the request and returns it for the one call that hands it back.
    private func finish() -> UnsafeMutablePointer<evhttp_request>? {
        let handedBack = request
        let connectionGuard = self.connectionGuard
        if let connectionGuard {
            connectionGuard.exchange = nil
        } else if let connection {
            evhttp_connection_set_closecb(connection, nil, nil)
        }
        request = nil
        connection = nil
        state = .finished
        onDrain = nil
        // Never called once the request is handed back (`connectionClosed` needs it held), and an owner's
        // handler often captures this exchange: dropped here, that cycle cannot outlive the reply.
        onClientClose = nil
        if let handedBack { handBack(handedBack, to: server, through: connectionGuard) }
        return handedBack
    }

    func connectionClosed() {
        guard let request else { return }
        // EOF or timeout: evhttp detached the unfinished request (no connection) and it is ours to free.
        // Server shutdown (evhttp_free): it is still attached and evhttp frees it after this callback.
        let detached = evhttp_request_get_connection(request) == nil
        self.request = nil
        connection = nil
        state = .finished
        clientClosed = true
        onDrain = nil
        if detached { evhttp_request_free(request) }
        if let onClientClose {
            self.onClientClose = nil
            onClientClose()
        }
    }

    fileprivate func chunkFlushed() {
        guard state == .streaming else { return }
        onDrain?()
    }

    private static func add(
        _ headers: ArraySlice<(String, String)>, to request: UnsafeMutablePointer<evhttp_request>
    ) {
        guard !headers.isEmpty, let output = evhttp_request_get_output_headers(request) else { return }
        for (name, value) in headers {
            _ = evhttp_add_header(output, name, value)
        }
    }

    private static func drain(_ buffer: OpaquePointer?) -> [UInt8] {
        guard let buffer else { return [] }
        let count = evbuffer_get_length(buffer)
        guard count > 0 else { return [] }
        // Reserved and appended from the buffer's chains in place, then drained: `init(unsafeUninitializedCapacity:)`
        // and `init(repeating:count:)` are not inlinable here, and their generic path looked up the array's storage
        // type (some 360 instructions) for every request's body.
        var body: [UInt8] = []
        body.reserveCapacity(count)
        let chains = Int(evbuffer_peek(buffer, count, nil, nil, 0))
        guard chains > 0 else { return [] }
        withUnsafeTemporaryAllocation(of: iovec.self, capacity: chains) { vectors in
            let filled = Int(evbuffer_peek(buffer, count, nil, vectors.baseAddress, Int32(chains)))
            for vector in vectors.prefix(min(filled, chains)) where body.count < count {
                let taken = min(vector.iov_len, count - body.count)
                body.append(contentsOf: UnsafeRawBufferPointer(start: vector.iov_base, count: taken))
            }
        }
        _ = evbuffer_drain(buffer, body.count)
        return body
    }

    /// evhttp disables reading while the user prepares an answer, so a client that gives up is only
    /// noticed at the next write. Re-enable reading with no read callback, as evhttp's own write path
    /// does, so EOF reaches evhttp's error callback (and our close callback) right away. Pipelined bytes
    /// wait in the input buffer; evhttp parses them after the answer.
    private static func watchForClose(_ connection: OpaquePointer) {
        guard let bev = evhttp_connection_get_bufferevent(connection) else { return }
        var writeCallback: bufferevent_data_cb?
        var eventCallback: bufferevent_event_cb?
        var argument: UnsafeMutableRawPointer?
        bufferevent_getcb(bev, nil, &writeCallback, &eventCallback, &argument)
        bufferevent_setcb(bev, nil, writeCallback, eventCallback, argument)
        _ = bufferevent_enable(bev, Int16(EV_READ))
    }

    private static func methodName(_ command: evhttp_cmd_type) -> String {
        switch command {
        case EVHTTP_REQ_GET: "GET"
        case EVHTTP_REQ_POST: "POST"
        case EVHTTP_REQ_HEAD: "HEAD"
        case EVHTTP_REQ_PUT: "PUT"
        case EVHTTP_REQ_DELETE: "DELETE"
        case EVHTTP_REQ_OPTIONS: "OPTIONS"
        case EVHTTP_REQ_TRACE: "TRACE"
        case EVHTTP_REQ_CONNECT: "CONNECT"
        case EVHTTP_REQ_PATCH: "PATCH"
        default: "UNKNOWN"
        }
    }
}

private func exchangeConnectionClosed(_: OpaquePointer?, _ context: UnsafeMutableRawPointer?) {
    guard let context else { return }
    let exchange = Unmanaged<HTTPExchange>.fromOpaque(context).takeUnretainedValue()
    withExtendedLifetime(exchange) { exchange.connectionClosed() }
}

private func exchangeChunkFlushed(_: OpaquePointer?, _ context: UnsafeMutableRawPointer?) {
    guard let context else { return }
    let exchange = Unmanaged<HTTPExchange>.fromOpaque(context).takeUnretainedValue()
    withExtendedLifetime(exchange) { exchange.chunkFlushed() }
}
