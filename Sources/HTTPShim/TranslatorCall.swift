import EventLoop
import GatewayWire

/// One exchange with the translator: a stream on the shared `TranslatorLink`. Delivers the answer's
/// messages in order; closing it before the answer ends cancels the work in the translator.
final class TranslatorCall {
    struct Timeouts {
        /// Seconds for a request's acknowledgement (`TRANSLATOR_ACK_TIMEOUT_SECONDS`).
        var ackTimeout = 5.0
        /// Seconds without any frame on a connection with exchanges open (`STREAM_IDLE_TIMEOUT_SECONDS`).
        var idleTimeout = 300.0
    }

    let stream: UInt32
    private unowned let link: TranslatorLink
    /// The translator has said something about this exchange (its acknowledgement at the least).
    var acknowledged = false
    private var paused = false
    private var closed = false
    var onMessage: ((TranslatorMessage) -> Void)?
    /// The connection to the translator was lost before the answer was complete.
    var onLost: ((String) -> Void)?

    init(link: TranslatorLink, stream: UInt32) {
        self.link = link
        self.stream = stream
    }

    /// The client is slow: the translator stops producing for this exchange (the connection goes on
    /// serving the others) until `resumeReading`.
    func pauseReading() {
        guard !paused, !closed else { return }
        paused = true
        link.send(.pause, stream: stream)
    }

    func resumeReading() {
        guard paused, !closed else { return }
        paused = false
        link.send(.resume, stream: stream)
    }

    func close() {
        guard !closed else { return }
        closed = true
        onMessage = nil
        onLost = nil
        link.close(self)
    }
}
