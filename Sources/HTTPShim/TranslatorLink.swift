import EventLoop
import GatewayLog
import GatewayWire
import ShimCore

/// The shim's one connection to the translator, carrying every exchange at once (docs/protocol.md):
/// frames are tagged with the exchange's stream id, so no request pays for a socket of its own, and
/// 10,000 open streams need one descriptor here instead of 10,000.
///
/// Connected on first use and again after a loss. A translator that is stopped (SIGSTOP, a wedged loop)
/// still takes requests into its socket buffer, so silence is the only sign: any frame on a request's
/// stream acknowledges it (the translator sends a heartbeat there when it has nothing else to say within
/// `Frame.acknowledgementDelay`), a heartbeat comes every `Frame.heartbeatInterval`, and the connection is lost
/// when a request goes unacknowledged for `ackTimeout` or, with exchanges open, no frame at all arrives
/// for `idleTimeout`. Losing it fails every open exchange (503, or an SSE error once streaming).
///
/// Its per-request stored properties are `@exclusivity(unchecked)` (see `EventLoop`'s note on it).
final class TranslatorLink {
    private let loop: EventLoop
    private let socketPath: String
    private let timeouts: TranslatorCall.Timeouts
    private let clock: GatewayClock
    @exclusivity(unchecked) private var connection: StreamConnection?
    @exclusivity(unchecked) private var decoder = FrameDecoder()
    /// The open calls by stream; it holds `TranslatorCall`s only (`openCall(on:)` reads them back).
    @exclusivity(unchecked) private var calls = StreamTable()
    /// The call of the last frame received, while `calls` holds it: an answer's frames come in runs of one
    /// stream, so most find their call without a lookup in `calls`.
    @exclusivity(unchecked) private var lastCall: TranslatorCall?
    @exclusivity(unchecked) private var nextStream: UInt32 = 1
    /// Requests not yet acknowledged, oldest first; acknowledged ones are dropped lazily from the front.
    @exclusivity(unchecked) private var unacknowledged: [(stream: UInt32, sentAt: Double)] = []
    @exclusivity(unchecked) private var unacknowledgedHead = 0
    @exclusivity(unchecked) private var lastFrameAt = 0.0
    /// Checks for a silent translator while exchanges are open (`checkSilence`).
    private lazy var watchdog = Timer(loop: loop) { [weak self] in self?.checkSilence() }
    @exclusivity(unchecked) private var watching = false
    /// When the watchdog fires, on the clock's monotonic seconds (while `watching`).
    @exclusivity(unchecked) private var watchdogDue = 0.0
    @exclusivity(unchecked) private var outgoing: [UInt8] = []
    /// Calls that received frames in the current read, to credit once it is handled.
    @exclusivity(unchecked) private var touched: [TranslatorCall] = []

    init(loop: EventLoop, socketPath: String, timeouts: TranslatorCall.Timeouts, clock: GatewayClock) {
        self.loop = loop
        self.socketPath = socketPath
        self.timeouts = timeouts
        self.clock = clock
    }

    var openCalls: Int { calls.count }

    /// Sends `request` on a new stream. Fails at once when nobody listens on the socket (translator down
    /// or restarting); the next request tries to connect again.
    func open(_ request: GatewayRequest) throws(EventLoopError) -> TranslatorCall {
        let connection = try connected()
        let stream = takeStreamID()
        let call = TranslatorCall(link: self, stream: stream)
        calls[stream] = call
        outgoing.removeAll(keepingCapacity: true)
        Frame.append(kind: .request, stream: stream, to: &outgoing) { request.writePayload(into: &$0) }
        connection.write(outgoing)
        let now = clock.monotonic()
        if calls.count == 1 { lastFrameAt = now }
        unacknowledged.append((stream, now))
        armWatchdog(now: now)
        return call
    }

    private func connected() throws(EventLoopError) -> StreamConnection {
        if let connection, !connection.isClosed { return connection }
        let connection = try StreamConnection.connect(loop: loop, path: socketPath)
        // A `weak let`, captured by value: a `[weak self]` capture is a mutable box, and reading it paid a
        // runtime exclusivity check on every read from the translator.
        weak let link = self
        connection.onReadBytes = { bytes in link?.received(bytes) }
        connection.flushesAfterRead = true
        connection.onClose = { [weak self] in self?.lost("the translator closed the connection") }
        self.connection = connection
        decoder = FrameDecoder()
        return connection
    }

    private func takeStreamID() -> UInt32 {
        // Never 0 (the connection's own stream) and never one still open after the counter wraps.
        while nextStream == 0 || calls[nextStream] != nil { nextStream &+= 1 }
        defer { nextStream &+= 1 }
        return nextStream
    }

    /// An empty control frame (cancel) for `stream`.
    func send(_ kind: Frame.Kind, stream: UInt32) {
        guard let connection, !connection.isClosed else { return }
        outgoing.removeAll(keepingCapacity: true)
        Frame.append(kind: kind, stream: stream, to: &outgoing) { _ in }
        connection.write(outgoing)
    }

    func sendCredit(_ bytes: Int, stream: UInt32) {
        guard let connection, !connection.isClosed else { return }
        outgoing.removeAll(keepingCapacity: true)
        Frame.append(kind: .credit, stream: stream, to: &outgoing) {
            Frame.appendUInt32(UInt32(clamping: bytes), to: &$0)
        }
        connection.write(outgoing)
    }

    /// After a read: each exchange that received frames credits the translator, unless its client is slow.
    private func creditReceived() {
        for call in touched { call.creditIfDue() }
        // Popped, not `removeAll(keepingCapacity:)`, which cost some 100 instructions a read for its one call.
        while touched.popLast() != nil {}
    }

    /// The call's owner is done with it: a call the translator has not finished is cancelled.
    func close(_ call: TranslatorCall) {
        // By identity: an ended call's stream id can be handed out again once the counter wraps.
        guard !call.released, let open = calls[call.stream], open === call else { return }
        forget(call)
        send(.cancel, stream: call.stream)
        if calls.isEmpty { noCallsOpen() }
    }

    private func call(on stream: UInt32) -> TranslatorCall? {
        if let lastCall, lastCall.stream == stream { return lastCall }
        let call = openCall(on: stream)
        if call != nil { lastCall = call }
        return call
    }

    /// The call `calls` holds for `stream`: nothing else is put there.
    private func openCall(on stream: UInt32) -> TranslatorCall? {
        calls[stream].map { unsafeDowncast($0, to: TranslatorCall.self) }
    }

    /// Drops `call`, which `calls` holds: its exchange ended or was cancelled.
    private func forget(_ call: TranslatorCall) {
        calls[call.stream] = nil
        call.released = true
        if lastCall === call { lastCall = nil }
    }

    private func received(_ bytes: UnsafeRawBufferPointer) {
        lastFrameAt = clock.monotonic()
        // The decoder works from a local for the read (moved out, not copied: its buffer stays unique): on the
        // stored property each frame's two steps held a dynamic exclusivity access across a call. It goes back
        // unless the connection was lost meanwhile, as its bytes belong to that connection alone.
        let reading = connection
        var decoder = FrameDecoder()
        swap(&decoder, &self.decoder)
        defer {
            if connection === reading { swap(&decoder, &self.decoder) }
            creditReceived()
        }
        decoder.append(bytes)
        while true {
            let header: FrameDecoder.Header?
            do {
                header = try decoder.decodeHeader()
            } catch {
                return lost("bad frame from the translator: \(error)")
            }
            guard let header else { return }
            // Frames of an exchange the shim already closed (its client left) are expected: dropped.
            guard header.stream != 0, let call = call(on: header.stream) else { continue }
            call.acknowledged = true
            if header.kind == .heartbeat { continue }
            call.received(frameBytes: header.payload.count + 4 + Frame.headerLength)
            if touched.last !== call { touched.append(call) }
            let message: TranslatorMessage
            do {
                message = try decoder.message(header)
            } catch {
                return lost("bad message from the translator: \(error)")
            }
            if message.endsExchange {
                forget(call)
                if calls.isEmpty { noCallsOpen() }
            }
            call.onMessage?(message)
        }
    }

    /// Every open exchange fails together: they shared the connection, and its place in the byte stream
    /// (or the translator behind it) is gone.
    private func lost(_ reason: String) {
        let failed = calls.removeAll().map { unsafeDowncast($0, to: TranslatorCall.self) }
        lastCall = nil
        for call in failed { call.released = true }
        resetWatchdog()
        connection?.close()
        connection = nil
        if !failed.isEmpty {
            Log.warning("lost the translator connection with \(failed.count) exchange(s) open: \(reason)")
        }
        for call in failed.sorted(by: { $0.stream < $1.stream }) { call.onLost?(reason) }
    }

    // MARK: watchdog

    /// Makes the watchdog fire by the deadlines of a request sent `now`; one already due by then is left as it is.
    private func armWatchdog(now: Double) {
        let delay = min(timeouts.ackTimeout, timeouts.idleTimeout)
        guard !watching || watchdogDue > now + delay else { return }
        schedule(after: delay, now: now)
    }

    private func schedule(after delay: Double, now: Double) {
        watching = true
        watchdogDue = now + delay
        watchdog.schedule(after: delay)
    }

    /// The last open exchange ended: none is left to be acknowledged. The watchdog stays armed, and stands down
    /// if it fires with no exchange open: cancelling it here and arming it again for the next request cost two
    /// event changes a request whenever requests come one at a time.
    private func noCallsOpen() {
        unacknowledged.removeAll(keepingCapacity: true)
        unacknowledgedHead = 0
    }

    private func resetWatchdog() {
        watching = false
        watchdog.cancel()
        unacknowledged.removeAll(keepingCapacity: true)
        unacknowledgedHead = 0
    }

    private func checkSilence() {
        watching = false
        guard !calls.isEmpty else { return resetWatchdog() }
        let now = clock.monotonic()
        while unacknowledgedHead < unacknowledged.count {
            let head = unacknowledged[unacknowledgedHead]
            if let call = openCall(on: head.stream), !call.acknowledged { break }
            unacknowledgedHead += 1
        }
        if unacknowledgedHead > 64, unacknowledgedHead * 2 > unacknowledged.count {
            unacknowledged.removeFirst(unacknowledgedHead)
            unacknowledgedHead = 0
        }
        var due = lastFrameAt + timeouts.idleTimeout
        if unacknowledgedHead < unacknowledged.count {
            let sentAt = unacknowledged[unacknowledgedHead].sentAt
            if now >= sentAt + timeouts.ackTimeout {
                return lost("the translator did not acknowledge a request within \(timeouts.ackTimeout) s")
            }
            due = min(due, sentAt + timeouts.ackTimeout)
        }
        if now >= lastFrameAt + timeouts.idleTimeout {
            return lost("no frame from the translator for \(timeouts.idleTimeout) s")
        }
        schedule(after: max(0.01, due - now), now: now)
    }
}
