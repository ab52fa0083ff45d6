import EventLoop
import GatewayLog
import GatewayWire

/// One request to the translator over its Unix socket: sends the request frame and delivers the
/// answer's messages in order. Closing it (or the shim's client going away) cancels the work.
///
/// A translator that is stopped (SIGSTOP, a wedged loop) still accepts connections and takes the
/// request into its socket buffer, so silence is the only sign. The translator acknowledges each
/// request with a heartbeat frame at once and sends one every `Frame.heartbeatInterval` while it has
/// nothing else to say; no acknowledgement within `ackTimeout`, or no frame at all for `idleTimeout`
/// afterwards, counts as losing the translator.
final class TranslatorCall {
    struct Timeouts {
        /// Seconds for the acknowledgement (`TRANSLATOR_ACK_TIMEOUT_SECONDS`).
        var ackTimeout = 5.0
        /// Seconds without any frame once acknowledged (`STREAM_IDLE_TIMEOUT_SECONDS`).
        var idleTimeout = 300.0
    }

    private let connection: StreamConnection
    private var decoder = FrameDecoder()
    private var closed = false
    private let timeouts: Timeouts
    private var acknowledged = false
    private var paused = false
    private var silence: Timer?
    var onMessage: ((TranslatorMessage) -> Void)?
    /// The translator closed the connection or sent garbage before the answer was complete.
    var onLost: ((String) -> Void)?

    /// Fails at once when nobody listens on the socket (translator down or restarting).
    init(loop: EventLoop, socketPath: String, request: GatewayRequest, timeouts: Timeouts = Timeouts()) throws {
        connection = try StreamConnection.connect(loop: loop, path: socketPath)
        self.timeouts = timeouts
        connection.onRead = { [weak self] bytes in self?.received(bytes) }
        connection.onClose = { [weak self] in self?.lost("the translator closed the connection") }
        connection.write(request.frame().encoded())
        let silence = Timer(loop: loop) { [weak self] in self?.silent() }
        self.silence = silence
        silence.schedule(after: timeouts.ackTimeout)
    }

    private func silent() {
        guard !closed, !paused else { return }
        lost(
            acknowledged
                ? "no frame from the translator for \(timeouts.idleTimeout) s"
                : "the translator did not acknowledge the request within \(timeouts.ackTimeout) s")
    }

    private func received(_ bytes: [UInt8]) {
        guard !closed else { return }
        decoder.append(bytes)
        while !closed {
            let frame: Frame?
            do {
                frame = try decoder.decode()
            } catch {
                return lost("bad frame from the translator: \(error)")
            }
            guard let frame else { return }
            if !acknowledged { acknowledged = true }
            if !paused { silence?.schedule(after: timeouts.idleTimeout) }
            if frame.kind == .heartbeat { continue }
            let message: TranslatorMessage
            do {
                message = try TranslatorMessage(frame: frame)
            } catch {
                return lost("bad message from the translator: \(error)")
            }
            onMessage?(message)
        }
    }

    private func lost(_ reason: String) {
        guard !closed else { return }
        close()
        onLost?(reason)
    }

    /// While the shim's client is slow the shim stops reading, so the translator's frames wait in the
    /// socket: silence then says nothing about the translator, and the timer rests.
    func pauseReading() {
        paused = true
        silence?.cancel()
        connection.pauseReading()
    }

    func resumeReading() {
        paused = false
        silence?.schedule(after: acknowledged ? timeouts.idleTimeout : timeouts.ackTimeout)
        connection.resumeReading()
    }

    func close() {
        guard !closed else { return }
        closed = true
        silence?.cancel()
        connection.close()
    }
}
