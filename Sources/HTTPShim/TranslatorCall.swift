import EventLoop
import GatewayWire

/// One exchange with the translator: a stream on the shared `TranslatorLink`. Delivers the answer's
/// messages in order; closing it before the answer ends cancels the work in the translator.
///
/// Its per-request stored properties are `@exclusivity(unchecked)` (see `EventLoop`'s note on it).
final class TranslatorCall {
    struct Timeouts {
        /// Seconds for a request's acknowledgement (`TRANSLATOR_ACK_TIMEOUT_SECONDS`).
        var ackTimeout = 5.0
        /// Seconds without any frame on a connection with exchanges open (`STREAM_IDLE_TIMEOUT_SECONDS`).
        var idleTimeout = 300.0
    }

    let stream: UInt32
    /// Strong: the link holds a call only until it ends, is closed or the connection is lost, which ends the
    /// cycle; unowned, each use paid a checked retain.
    private let link: TranslatorLink
    /// The translator has said something about this exchange (its acknowledgement at the least).
    @exclusivity(unchecked) var acknowledged = false
    /// Bytes of this stream's frames received and not yet credited back to the translator.
    @exclusivity(unchecked) private var uncredited = 0
    /// The client is not taking what it was sent: credit waits, so the translator stops within the window.
    @exclusivity(unchecked) private var clientSlow = false
    @exclusivity(unchecked) private var closed = false
    /// The link no longer holds this call (its exchange ended, or the connection was lost), so closing it needs
    /// no search of the link's calls.
    @exclusivity(unchecked) var released = false
    @exclusivity(unchecked) var onMessage: ((TranslatorMessage) -> Void)?
    /// The connection to the translator was lost before the answer was complete.
    @exclusivity(unchecked) var onLost: ((String) -> Void)?

    init(link: TranslatorLink, stream: UInt32) {
        self.link = link
        self.stream = stream
    }

    /// A frame of `bytes` (header included) arrived for this exchange.
    func received(frameBytes bytes: Int) {
        uncredited += bytes
    }

    /// Credits the translator with what arrived, once it is at least `threshold` bytes and the client is
    /// keeping up: a credit frame per quarter window, not per token.
    func creditIfDue(threshold: Int = Frame.streamWindow / 4) {
        guard !clientSlow, !closed, uncredited >= max(threshold, 1) else { return }
        link.sendCredit(uncredited, stream: stream)
        uncredited = 0
    }

    /// The client is slow: no more credit, so the translator stops producing for this exchange within
    /// `Frame.streamWindow` (the connection goes on serving the others) until `resumeReading`.
    func pauseReading() {
        clientSlow = true
    }

    func resumeReading() {
        guard clientSlow else { return }
        clientSlow = false
        creditIfDue(threshold: 1)
    }

    func close() {
        guard !closed else { return }
        closed = true
        onMessage = nil
        onLost = nil
        link.close(self)
    }
}
