import EventLoop
import GatewayLog
import GatewayWire

/// One InvokeEndpointWithResponseStream answer in flight: walks the renderer's steps on a timer, wraps the
/// bytes in PayloadPart messages, waits for the socket to drain when the client reads slowly, and stops at
/// once if the client goes away.
final class StreamSession {
    /// Above this many unsent bytes the session stops producing until the connection drains, so a slow reader
    /// costs a bounded amount of memory, as it would with SageMaker.
    static let highWater = 64 << 10

    private let exchange: HTTPExchange
    private var steps: [ChatRenderer.Step]
    private var index = 0
    private var waited = false
    private var framer: PayloadFramer
    /// Send the bytes as they are, without PayloadPart messages (SageMaker's OpenAI route streams plain SSE).
    private let plain: Bool
    private var timer: Timer!
    private let ended: (_ cancelled: Bool) -> Void
    private var done = false

    /// `ended` runs once: with true if the client disconnected first.
    init(
        loop: EventLoop, exchange: HTTPExchange, steps: [ChatRenderer.Step], partBytes: Int?, plain: Bool = false,
        ended: @escaping (Bool) -> Void
    ) {
        self.exchange = exchange
        self.steps = steps
        self.framer = PayloadFramer(partBytes: partBytes)
        self.plain = plain
        self.ended = ended
        timer = Timer(loop: loop) { [unowned self] in
            self.waited = true
            self.advance()
        }
        exchange.onClientClose = { [unowned self] in self.finish(cancelled: true) }
    }

    func start(headers: [(String, String)]) {
        exchange.startStreaming(status: 200, headers: headers)
        advance()
    }

    private func advance() {
        while !done {
            guard index < steps.count else {
                exchange.finishStreaming()
                finish(cancelled: false)
                return
            }
            let step = steps[index]
            if step.delay > 0, !waited {
                timer.schedule(after: step.delay)
                return
            }
            waited = false
            index += 1
            let last = index == steps.count
            for part in framer.parts(for: step.events, final: last || step.failure != nil) {
                exchange.sendChunk(plain ? part : PayloadFramer.payloadPart(part))
            }
            if let failure = step.failure, plain {
                let error: JSONValue = .object([
                    ("error", .object([("message", .string(failure)), ("type", .string("InternalServerError"))]))
                ])
                exchange.sendChunk(Array("data: ".utf8) + JSONWriter.bytes(error) + Array("\n\n".utf8))
                index = steps.count
                continue
            }
            if let failure = step.failure {
                exchange.sendChunk(PayloadFramer.modelStreamError(message: failure, errorCode: "StreamBroken"))
                index = steps.count
                continue
            }
            if exchange.outputBufferedBytes > Self.highWater {
                exchange.onDrain = { [unowned self] in
                    guard self.exchange.outputBufferedBytes <= Self.highWater / 2 else { return }
                    self.exchange.onDrain = nil
                    self.advance()
                }
                return
            }
        }
    }

    private func finish(cancelled: Bool) {
        guard !done else { return }
        done = true
        timer.cancel()
        exchange.onDrain = nil
        exchange.onClientClose = nil
        if cancelled { Log.info("stream cancelled by the client after \(index) of \(steps.count) steps") }
        ended(cancelled)
    }
}
