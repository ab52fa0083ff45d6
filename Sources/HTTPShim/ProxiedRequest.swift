import AnthropicWire
import EventLoop
import GatewayLog
import GatewayMetrics
import GatewayWire
import OpenAIWire
import ResponsesWire
import ShimCore

/// One client request that the translator answers: forwards it, then writes the OpenAI response.
/// Answered exactly once: `waiting` (no status sent) → `streaming` (SSE 200 sent) → `done`.
///
/// Its per-request stored properties are `@exclusivity(unchecked)` (see `EventLoop`'s note on it).
final class ProxiedRequest {
    /// Named here for the extensions that switch on it; defined (and tested) in ShimCore.
    typealias Operation = ClientOperation

    private enum State {
        case waiting
        case streaming
        case done
    }

    /// Above this many bytes queued toward the client, ask the translator to pause this exchange; it
    /// pauses SageMaker in turn, so a slow reader costs no memory and holds up no other exchange.
    static let highWatermark = 256 << 10

    private let exchange: HTTPExchange
    let operation: Operation
    private let requestId: String
    /// Strong: the shim lives as long as the process and holds a request only while it is in flight, so the
    /// cycle ends in `done`; unowned, every use paid a checked retain of the shim.
    let shim: Shim
    /// Where `Shim` keeps this request while it is in flight; -1 outside.
    @exclusivity(unchecked) var activeSlot = -1
    @exclusivity(unchecked) private var call: TranslatorCall?
    @exclusivity(unchecked) private var state = State.waiting
    @exclusivity(unchecked) private var keepAlive: Timer?
    @exclusivity(unchecked) private var keepAliveArmed = false
    /// When the last bytes went to the client (or the request arrived): the keep-alive is due
    /// `keepAliveSeconds` after it. Noted per chunk instead of re-arming the timer per chunk.
    @exclusivity(unchecked) private var lastSentAt = 0.0
    /// Reused for every streamed chat chunk, so a token costs no allocation here.
    @exclusivity(unchecked) private var chunkBytes: [UInt8] = []
    @exclusivity(unchecked) private var readingPaused = false
    @exclusivity(unchecked) private var status = 0
    private let startedAt: Double
    let created: Int
    /// Per-request figures for `ShimMetrics`, reported once, in `done`.
    @exclusivity(unchecked) var reachedModel = false
    @exclusivity(unchecked) var firstTokenAfter: Double?
    @exclusivity(unchecked) var tokens = 0
    @exclusivity(unchecked) var reportedUsage: Usage?
    private let completionId = RequestID.chatCompletion()
    private(set) lazy var completionResponseId = RequestID.completion()
    /// For a chat, whether it streams (nil for other operations): chat tokens are the common case, decided
    /// once so that each token does not copy the operation (with its whole request) to switch on it.
    private let chatStreams: Bool?
    /// The chat request (nil for other operations), taken out of `operation` once: each read of it through the
    /// enum copied the whole operation, four times a request.
    private let chat: ChatRequest?
    /// The model the request names, if it asks one for an answer (for metrics).
    let modelName: String?

    // The renderers are made on first use. Not `lazy var`s: those have only get and set, so every
    // mutation (one per token) copied the renderer, and the text it had gathered, and stored it back.
    @exclusivity(unchecked) private var chunkStorage: ChatChunkStream?
    @exclusivity(unchecked) private var assemblerStorage: ChatCompletionAssembler?
    /// The other APIs' renderers, boxed and made on first use: inline they took 1.7 KB of every request's
    /// object, which put each allocation past malloc's per-thread cache (1,032 bytes). The legacy completion
    /// renderers too: inline, their 220 bytes alone took a chat request's object past it.
    private final class OtherRenderers {
        var completionChunks: CompletionChunkStream?
        var completionAssembler: CompletionAssembler?
        var anthropicStream: AnthropicEventStream?
        var anthropicAssembler: AnthropicMessageAssembler?
        var responseStream: ResponseEventStream?
        var responseAssembler: ResponseAssembler?
    }
    @exclusivity(unchecked) private var otherStorage: OtherRenderers?
    private var others: OtherRenderers {
        if let otherStorage { return otherStorage }
        let made = OtherRenderers()
        otherStorage = made
        return made
    }

    private var chunks: ChatChunkStream {
        get {
            if chunkStorage == nil { chunkStorage = makeChunkStream() }
            return chunkStorage!
        }
        _modify {
            if chunkStorage == nil { chunkStorage = makeChunkStream() }
            yield &chunkStorage!
        }
    }
    private var assembler: ChatCompletionAssembler {
        get {
            if assemblerStorage == nil { assemblerStorage = makeAssembler() }
            return assemblerStorage!
        }
        _modify {
            if assemblerStorage == nil { assemblerStorage = makeAssembler() }
            yield &assemblerStorage!
        }
    }
    private var completionChunks: CompletionChunkStream {
        get {
            let box = others
            if box.completionChunks == nil { box.completionChunks = makeCompletionChunkStream() }
            return box.completionChunks!
        }
        _modify {
            let box = others
            if box.completionChunks == nil { box.completionChunks = makeCompletionChunkStream() }
            yield &box.completionChunks!
        }
    }
    private var completionAssembler: CompletionAssembler {
        get {
            let box = others
            if box.completionAssembler == nil { box.completionAssembler = makeCompletionAssembler() }
            return box.completionAssembler!
        }
        _modify {
            let box = others
            if box.completionAssembler == nil { box.completionAssembler = makeCompletionAssembler() }
            yield &box.completionAssembler!
        }
    }
    var anthropicStream: AnthropicEventStream {
        get {
            let box = others
            if box.anthropicStream == nil { box.anthropicStream = makeAnthropicStream() }
            return box.anthropicStream!
        }
        _modify {
            let box = others
            if box.anthropicStream == nil { box.anthropicStream = makeAnthropicStream() }
            yield &box.anthropicStream!
        }
    }
    var anthropicAssembler: AnthropicMessageAssembler {
        get {
            let box = others
            if box.anthropicAssembler == nil { box.anthropicAssembler = makeAnthropicAssembler() }
            return box.anthropicAssembler!
        }
        _modify {
            let box = others
            if box.anthropicAssembler == nil { box.anthropicAssembler = makeAnthropicAssembler() }
            yield &box.anthropicAssembler!
        }
    }
    var responseStream: ResponseEventStream {
        get {
            let box = others
            if box.responseStream == nil { box.responseStream = makeResponseStream() }
            return box.responseStream!
        }
        _modify {
            let box = others
            if box.responseStream == nil { box.responseStream = makeResponseStream() }
            yield &box.responseStream!
        }
    }
    var responseAssembler: ResponseAssembler {
        get {
            let box = others
            if box.responseAssembler == nil { box.responseAssembler = makeResponseAssembler() }
            return box.responseAssembler!
        }
        _modify {
            let box = others
            if box.responseAssembler == nil { box.responseAssembler = makeResponseAssembler() }
            yield &box.responseAssembler!
        }
    }

    init(exchange: HTTPExchange, operation: consuming Operation, requestId: String, shim: Shim) {
        self.exchange = exchange
        self.requestId = requestId
        self.shim = shim
        // All from one look at the operation: each `case let` copies the request it holds.
        if case .chat(let chat) = operation {
            self.chat = chat
            chatStreams = chat.stream
            modelName = chat.model
        } else {
            chat = nil
            chatStreams = nil
            modelName = Self.modelName(of: operation)
        }
        // Last, so the operation moves in instead of being copied.
        self.operation = operation
        startedAt = shim.clock.monotonic()
        created = shim.unixTime()
    }

    var path: String { exchange.path }

    /// Seconds since the request arrived, on the shim's monotonic clock.
    var elapsed: Double { shim.clock.monotonic() - startedAt }

    func start(apiKey: String?) {
        shim.metrics.requestStarted()
        do {
            let call = try shim.translator.open(
                GatewayRequest(
                    requestId: requestId, apiKey: apiKey,
                    operation: chat.map { .chatCompletion($0) } ?? operation.wireOperation))
            self.call = call
            // Strong captures, each cycle broken in `done` (`call.close()` and the exchange's handlers cleared):
            // `shim.active` holds this request until then anyway, and a weak capture gave every request a
            // side table for its references, allocated and freed again, and a box per closure.
            call.onMessage = { message in self.received(message) }
            call.onLost = { reason in self.translatorLost(reason) }
        } catch {
            shim.metrics.translatorError("unreachable")
            Log.warning("translator unreachable at \(shim.config.socketPath): \(error)", ["request_id": requestId])
            return translatorUnavailable()
        }
        exchange.setCallbacks(onClientClose: { self.clientClosed() }, onDrain: { self.clientDrained() })
        if chatStreams ?? operation.clientStreams { scheduleKeepAlive() }
    }

    // MARK: translator → client

    private func received(_ message: TranslatorMessage) {
        guard state != .done else { return }
        observe(message)
        // A chat's own messages, without the switch below: it copies the operation, with its whole request.
        if let chatStreams {
            switch message {
            case .event(let event):
                guard chatStreams else { return assembler.add(event) }
                beginStreaming()
                chunkBytes.removeAll(keepingCapacity: true)
                chunks.render(event, into: &chunkBytes)
                return send(chunkBytes)
            case .end where !chatStreams:
                // Taken, not read through `assembler`: its getter copied the whole assembler, and nothing reads
                // it once the answer is complete.
                let finished = assemblerStorage.take() ?? makeAssembler()
                return respond(status: 200, body: finished.bytes())
            case .accepted(let shape) where !chatStreams:
                assembler.reasoningField = shape.reasoningField
                return
            default:
                break
            }
        }
        switch (operation, message) {
        case (.messages, _), (.countTokens, _):
            receivedAnthropic(message)
        case (.chat(let chat), .accepted(let shape)):
            if chat.stream {
                chunks.reasoningField = shape.reasoningField
                beginStreaming()
            } else {
                assembler.reasoningField = shape.reasoningField
            }
        case (.chat(let chat), .event(let event)):
            if chat.stream {
                beginStreaming()
                send(chunks.render(event))
            } else {
                assembler.add(event)
            }
        case (.chat(let chat), .end):
            if chat.stream {
                beginStreaming()
                send(chunks.finish())
                finishStream()
            } else {
                respond(status: 200, body: assembler.bytes())
            }
        case (.completion(let completion), .accepted):
            if completion.stream { beginStreaming() }
        case (.completion(let completion), .event(let event)):
            if completion.stream {
                beginStreaming()
                send(completionChunks.render(event))
            } else {
                completionAssembler.add(event)
            }
        case (.completion(let completion), .end):
            if completion.stream {
                beginStreaming()
                send(completionChunks.finish())
                finishStream()
            } else {
                respond(status: 200, body: completionAssembler.bytes())
            }
        case (.embeddings(let request), .embeddings(let result)):
            respond(
                status: 200,
                body: EmbeddingsResponse.bytes(
                    result, format: request.encodingFormat, model: request.model,
                    promptTokenEstimate: UsageEstimate.promptTokens(forInput: request.input)))
        case (.responses(let responses), _) where message.isModelOutput:
            received(message, for: responses)
        case (_, .error(let error)):
            fail(error)
        case (.invalid(let error, _), .models):
            fail(error)
        case (.listModels, .models(let models)):
            respond(status: 200, body: ModelsResponse.list(models))
        case (.retrieveModel, .models(let models)):
            if let model = models.first {
                respond(status: 200, body: ModelsResponse.model(model))
            } else {
                fail(GatewayError(.modelNotFound, "The model does not exist.", param: "model"))
            }
        case (.health, .health(let status)):
            let body = JSONValue.object([
                ("status", .string(status.ready ? "ok" : "degraded")), ("translator", .string(status.detail)),
            ])
            respond(status: status.ready ? 200 : 503, body: JSONWriter.bytes(body))
        default:
            Log.warning("unexpected message from the translator: \(message)", ["request_id": requestId])
            fail(GatewayError(.internalError, "The gateway's internal protocol failed."))
        }
    }

    private func translatorLost(_ reason: String) {
        guard state != .done else { return }
        shim.metrics.translatorError("lost")
        Log.warning("lost the translator mid-request: \(reason)", ["request_id": requestId])
        if case .health = operation { return translatorUnavailable() }
        fail(
            GatewayError(
                .translatorUnavailable, "The gateway's translator went away before answering; retry the request."))
    }

    private func translatorUnavailable() {
        if case .health = operation {
            let body = JSONValue.object([("status", .string("unavailable")), ("translator", .string("unreachable"))])
            return respond(status: 503, body: JSONWriter.bytes(body))
        }
        fail(GatewayError(.translatorUnavailable, "The gateway's translator is not available; retry shortly."))
    }

    /// Before any byte went out the error is the HTTP status; after, an SSE error event ends the stream.
    func fail(_ error: GatewayError) {
        switch state {
        case .waiting:
            let response = errorResponse(for: error)
            respond(
                status: response.status, body: response.body,
                extraHeaders: response.headers.filter { $0.0 != "Content-Type" })
        case .streaming:
            if case .responses = operation { return failResponseStream(error) }
            send(streamErrorEvent(error))
            finishStream()
        case .done:
            break
        }
    }

    func beginStreaming() {
        guard state == .waiting else { return }
        state = .streaming
        status = 200
        shim.metrics.streamOpened()
        exchange.startStreaming(
            status: 200,
            headers: [
                ("Content-Type", "text/event-stream; charset=utf-8"), ("Cache-Control", "no-cache"),
                ("X-Accel-Buffering", "no"), ("x-request-id", requestId),
            ])
    }

    func send(_ bytes: [UInt8]) {
        guard state == .streaming, !bytes.isEmpty else { return }
        exchange.sendChunk(bytes)
        lastSentAt = shim.clock.monotonic()
        if !keepAliveArmed { armKeepAlive(after: shim.config.keepAliveSeconds) }
        if !readingPaused, exchange.outputBufferedBytes > ProxiedRequest.highWatermark {
            readingPaused = true
            call?.pauseReading()
        }
    }

    private func clientDrained() {
        guard readingPaused else { return }
        readingPaused = false
        call?.resumeReading()
    }

    func finishStream() {
        guard state == .streaming else { return }
        exchange.finishStreaming()
        done()
    }

    func respond(status: Int, body: [UInt8], extraHeaders: [(String, String)] = []) {
        guard state == .waiting else { return }
        self.status = status
        var headers = [("Content-Type", "application/json"), ("x-request-id", requestId)]
        if !extraHeaders.isEmpty { headers += extraHeaders }
        exchange.respond(status: status, headers: headers, body: body)
        done()
    }

    private func done(outcome: String = "") {
        // 499 (nginx's "client closed request"): the client left before any status went out.
        reportMetrics(status: status == 0 ? 499 : status, wasStreaming: state == .streaming)
        state = .done
        logAccess(outcome: outcome)
        keepAlive?.cancel()
        keepAlive = nil
        keepAliveArmed = false
        call?.close()
        call = nil
        exchange.setCallbacks(onClientClose: nil, onDrain: nil)
        shim.finished(self)
    }

    private func clientClosed() {
        guard state != .done else { return }
        done(outcome: " client disconnected")
    }

    /// One line per request: enough to trace a request across both processes by its id, never a key.
    private func logAccess(outcome: String) {
        // Checked here as `Log` checks it: the fields and the clock reading are made before `Log` can decide.
        guard Log.logs(.info) else { return }
        let ms = Int(elapsed * 1000)
        Log.info(
            "\(exchange.method) \(PathRedaction.redacted(exchange.path)) \(status) \(ms) ms\(outcome)",
            ["request_id": requestId])
    }

    // MARK: keep-alive

    /// A stream that has produced nothing for `keepAliveSeconds` (a long prompt before its first
    /// token, say) commits to 200 and sends an SSE comment, so proxies do not idle it out.
    private func scheduleKeepAlive() {
        lastSentAt = shim.clock.monotonic()
        armKeepAlive(after: shim.config.keepAliveSeconds)
    }

    private func armKeepAlive(after seconds: Double) {
        if keepAlive == nil {
            keepAlive = Timer(loop: shim.loop) { self.keepAliveFired() }
        }
        keepAliveArmed = true
        keepAlive?.schedule(after: seconds)
    }

    private func keepAliveFired() {
        keepAliveArmed = false
        guard state != .done else { return }
        let quiet = shim.clock.monotonic() - lastSentAt
        if quiet < shim.config.keepAliveSeconds {
            return armKeepAlive(after: shim.config.keepAliveSeconds - quiet)
        }
        beginStreaming()
        send(keepAliveEvent())
    }

    // MARK: renderers

    private func makeChunkStream() -> ChatChunkStream {
        ChatChunkStream(
            id: completionId, created: created, model: chat?.model ?? "", includeUsage: chat?.includeUsage ?? false,
            promptTokenEstimate: UsageEstimate.promptTokens(for: chat?.messages ?? []))
    }

    private func makeAssembler() -> ChatCompletionAssembler {
        ChatCompletionAssembler(
            id: completionId, created: created, model: chat?.model ?? "",
            promptTokenEstimate: UsageEstimate.promptTokens(for: chat?.messages ?? []))
    }
}
