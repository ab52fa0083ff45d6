import EventLoop
import GatewayLog
import GatewayWire

/// One request to the translator over its Unix socket: sends the request frame and delivers the
/// answer's messages in order. Closing it (or the shim's client going away) cancels the work.
final class TranslatorCall {
    private let connection: StreamConnection
    private var decoder = FrameDecoder()
    private var closed = false
    var onMessage: ((TranslatorMessage) -> Void)?
    /// The translator closed the connection or sent garbage before the answer was complete.
    var onLost: ((String) -> Void)?

    /// Fails at once when nobody listens on the socket (translator down or restarting).
    init(loop: EventLoop, socketPath: String, request: GatewayRequest) throws {
        connection = try StreamConnection.connect(loop: loop, path: socketPath)
        connection.onRead = { [weak self] bytes in self?.received(bytes) }
        connection.onClose = { [weak self] in self?.lost("the translator closed the connection") }
        connection.write(request.frame().encoded())
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

    func pauseReading() { connection.pauseReading() }
    func resumeReading() { connection.resumeReading() }

    func close() {
        guard !closed else { return }
        closed = true
        connection.close()
    }
}
