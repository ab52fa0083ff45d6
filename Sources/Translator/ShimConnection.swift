import EventLoop
import GatewayLog
import GatewayWire

/// One connection from the shim, carrying many exchanges at once, each a `Session` on its own stream
/// (docs/protocol.md). The shim keeps it open for its lifetime; losing it cancels every session on it.
///
/// Its per-request stored properties are `@exclusivity(unchecked)` (see `EventLoop`'s note on it): `outgoing`
/// stays checked, as the writer closure runs inside its access.
final class ShimConnection {
    private let connection: StreamConnection
    unowned let server: TranslatorServer
    @exclusivity(unchecked) private var frames: FrameDecoder
    @exclusivity(unchecked) private var sessions: [UInt32: Session] = [:]
    /// Sessions whose transfer paused because the shim was not taking our output fast enough.
    @exclusivity(unchecked) private var waitingForDrain: [UInt32: Session] = [:]
    private var heartbeat: Timer?
    /// Requests read and not yet acknowledged: a session's first frame acknowledges it; those with nothing
    /// to say within `Frame.acknowledgementDelay` get a heartbeat on their stream (`acknowledgeSilent`).
    @exclusivity(unchecked) private var owedAcknowledgements: [UInt32] = []
    @exclusivity(unchecked) private var acknowledgementTimer: Timer?
    /// Closes a connection whose frame does not complete in time (`FRAME_TIMEOUT_SECONDS`), so a peer on
    /// the socket cannot hold a half-read frame, and its buffer, by sending nothing or a trickle.
    @exclusivity(unchecked) private var frameDeadline: Timer?
    private var outgoing: [UInt8] = []
    @exclusivity(unchecked) private(set) var isClosed = false

    init(connection: StreamConnection, server: TranslatorServer) {
        self.connection = connection
        self.server = server
        frames = FrameDecoder(maxLength: server.config.maxRequestFrameBytes)
        connection.onRead = { [weak self] bytes in self?.received(bytes) }
        connection.onClose = { [weak self] in self?.peerClosed() }
        connection.onDrain = { [weak self] in self?.drained() }
        let beat = Timer(loop: server.loop) { [weak self] in self?.heartbeatDue() }
        heartbeat = beat
        beat.schedule(after: Frame.heartbeatInterval)
        acknowledgementTimer = Timer(loop: server.loop) { [weak self] in self?.acknowledgeSilent() }
    }

    var sessionCount: Int { sessions.count }

    /// More than this much output waits for the shim: sessions pause their SageMaker transfers.
    var isCongested: Bool { connection.outputBufferedBytes > Session.highWatermark }

    /// Returns the bytes the frame took, which the stream's credit pays for.
    @discardableResult
    func send(_ message: TranslatorMessage, stream: UInt32) -> Int {
        send { message.append(stream: stream, to: &$0) }
    }

    /// The frames `write` appends, in one write (a whole answer's frames went out one write each). Returns the
    /// bytes they took.
    @discardableResult
    func send(writing write: (_ out: inout [UInt8]) -> Void) -> Int {
        guard !isClosed else { return 0 }
        outgoing.removeAll(keepingCapacity: true)
        write(&outgoing)
        connection.write(outgoing)
        return outgoing.count
    }

    private func sendEmpty(_ kind: Frame.Kind, stream: UInt32) {
        send { Frame.append(kind: kind, stream: stream, to: &$0) { _ in } }
    }

    /// An acknowledgement per request as it was read cost each process a system call and the shim a wakeup
    /// for ten bytes, when most answers come sooner than any acknowledgement is looked at.
    private func owe(acknowledgementOf stream: UInt32) {
        if owedAcknowledgements.isEmpty { acknowledgementTimer?.schedule(after: Frame.acknowledgementDelay) }
        owedAcknowledgements.append(stream)
    }

    private func acknowledgeSilent() {
        let owed = owedAcknowledgements
        owedAcknowledgements.removeAll(keepingCapacity: true)
        // An ended session sent its last frame; a cancelled one needs nothing.
        for stream in owed {
            if let session = sessions[stream], !session.hasSentFrame { sendEmpty(.heartbeat, stream: stream) }
        }
    }

    private func heartbeatDue() {
        // Ten bytes every interval, whatever else went out: the shim's silence check needs no more reasoning.
        sendEmpty(.heartbeat, stream: 0)
        heartbeat?.schedule(after: Frame.heartbeatInterval)
    }

    private func received(_ bytes: [UInt8]) {
        guard !isClosed else { return }
        frames.append(bytes)
        while !isClosed {
            let frame: Frame
            do {
                guard let decoded = try frames.decode() else { break }
                frame = decoded
            } catch .tooLarge(let stream, let kind, let length) where kind == .request && stream != 0 {
                // The validated body re-encoded past the limit (a body of escaped control characters can grow).
                Log.warning("refusing a request frame of \(length) bytes (limit \(server.config.maxRequestFrameBytes))")
                send(
                    .error(
                        GatewayError(
                            .invalidRequest,
                            "The request is too large for the gateway once encoded (limit \(server.config.maxRequestFrameBytes) bytes)."
                        )), stream: stream)
                continue
            } catch {
                return protocolFailed("a bad frame: \(error)")
            }
            dispatch(frame)
        }
        watchFrameDeadline()
    }

    private func dispatch(_ frame: Frame) {
        let stream = frame.stream
        switch frame.kind {
        case .request:
            guard stream != 0, sessions[stream] == nil else {
                return protocolFailed("a request on stream \(stream), which is \(stream == 0 ? "reserved" : "open")")
            }
            startSession(frame)
        case .cancel:
            sessions[stream]?.cancel()
        case .credit:
            guard let bytes = frame.creditBytes else { return protocolFailed("a credit frame without a count") }
            guard let session = sessions[stream] else { return }
            session.credit += bytes
            resume(session)
        default:
            protocolFailed("a \(frame.kind) frame, which only the translator sends")
        }
    }

    private func startSession(_ frame: Frame) {
        let request: GatewayRequest
        do {
            request = try GatewayRequest(frame: frame)
        } catch {
            send(
                .error(GatewayError(.internalError, "The gateway's internal protocol failed: \(error)")),
                stream: frame.stream)
            return
        }
        if server.isDraining {
            send(.error(GatewayError(.shuttingDown, "The gateway is shutting down; retry.")), stream: frame.stream)
            return
        }
        let session = Session(stream: frame.stream, requestId: request.requestId, connection: self)
        sessions[frame.stream] = session
        server.sessionStarted()
        // The shim counts a request unacknowledged for long as a hung translator.
        owe(acknowledgementOf: frame.stream)
        session.handle(request)
    }

    /// A session whose transfer paused: resumed once it has credit and this connection's output has room.
    func resume(_ session: Session) {
        guard session.transferPaused, session.credit > 0 else { return }
        if isCongested {
            waitingForDrain[session.stream] = session
        } else {
            waitingForDrain[session.stream] = nil
            session.resumeTransfer()
        }
    }

    private func drained() {
        guard !waitingForDrain.isEmpty else { return }
        let waiting = waitingForDrain
        waitingForDrain = [:]
        for session in waiting.values { resume(session) }
    }

    func sessionEnded(_ session: Session) {
        guard sessions.removeValue(forKey: session.stream) != nil else { return }
        // Nearly always empty: no hashing then.
        if !waitingForDrain.isEmpty { waitingForDrain[session.stream] = nil }
        server.sessionEnded()
    }

    private func watchFrameDeadline() {
        guard !isClosed else { return }
        guard frames.isMidFrame else {
            frameDeadline?.cancel()
            frameDeadline = nil
            return
        }
        guard frameDeadline == nil else { return }
        let deadline = Timer(loop: server.loop) { [weak self] in self?.frameTimedOut() }
        frameDeadline = deadline
        deadline.schedule(after: server.config.frameTimeout)
    }

    private func frameTimedOut() {
        Log.warning(
            "closing a shim connection that sent \(frames.bufferedByteCount) byte(s) but no whole frame in \(server.config.frameTimeout) s"
        )
        close(flushing: false)
    }

    /// The byte stream lost its place: say so on stream 0, then close, ending every session on it.
    private func protocolFailed(_ what: String) {
        Log.warning("dropping a shim connection that sent \(what)")
        send(.error(GatewayError(.internalError, "The gateway's internal protocol failed.")), stream: 0)
        close(flushing: true)
    }

    private func peerClosed() {
        guard !isClosed else { return }
        if !sessions.isEmpty { Log.info("the shim closed its connection; cancelling \(sessions.count) exchange(s)") }
        close(flushing: false)
    }

    /// Ends every session (cancelling its SageMaker work) and closes; `flushing` lets queued frames out first.
    func close(flushing: Bool) {
        guard !isClosed else { return }
        let open = sessions
        for session in open.values { session.cancel() }
        isClosed = true
        heartbeat?.cancel()
        acknowledgementTimer?.cancel()
        frameDeadline?.cancel()
        if flushing {
            server.closeAfterFlush(connection)
        } else {
            connection.close()
        }
        server.connectionClosed(self)
    }
}
