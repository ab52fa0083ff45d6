import AWSSigV4
import CurlMulti
import EventLoop
import GatewayLog
import GatewayWire
import ModelFormats
import TranslatorCore

/// One exchange with the shim: a stream on a `ShimConnection`, one request answered with frames. The
/// shim's `cancel` (its client went away), or losing the connection, cancels the SageMaker transfer.
///
/// Its per-request stored properties are `@exclusivity(unchecked)` (see `EventLoop`'s note on it).
final class Session {
    enum State {
        case working
        case finished
    }

    /// Above this many bytes queued toward the shim the SageMaker transfer is paused, so a slow
    /// shim holds back the model instead of growing our memory.
    static let highWatermark = 256 << 10
    static let maxResponseBytes = 32 << 20

    let stream: UInt32
    private unowned let connection: ShimConnection
    unowned let server: TranslatorServer
    @exclusivity(unchecked) var state = State.working
    let requestId: String
    @exclusivity(unchecked) private var transfer: CurlTransfer?
    /// Transfers running beside `transfer` (concurrent embeddings batches), cancelled with it.
    @exclusivity(unchecked) var sideTransfers: [ObjectIdentifier: CurlTransfer] = [:]
    @exclusivity(unchecked) private(set) var transferPaused = false
    /// Bytes this stream may still send before the shim credits more (`Frame.streamWindow`): the shim
    /// credits only what its client took, so a slow client stops the SageMaker transfer.
    @exclusivity(unchecked) var credit = Frame.streamWindow
    /// The first frame on the stream is the request's acknowledgement (`ShimConnection.owe`).
    @exclusivity(unchecked) private(set) var hasSentFrame = false
    /// The streamed model call's answer, while one runs (`invokeStreaming`).
    @exclusivity(unchecked) private var answer: ModelCallStateMachine?

    init(stream: UInt32, requestId: String, connection: ShimConnection) {
        self.stream = stream
        self.requestId = requestId
        self.connection = connection
        server = connection.server
    }

    func handle(_ request: GatewayRequest) {
        switch request.operation {
        case .health: finish(.health(server.health))
        case .metrics: finish(.metrics(server.metricFamilies()))
        default:
            // Nearly every key is judged at once: then no closure holding a copy of the request is made.
            if let result = server.keys.authorizeNow(request.apiKey) {
                authorized(request, result)
            } else {
                server.keys.park(request.apiKey) { [weak self] result in self?.authorized(request, result) }
            }
        }
    }

    /// Carries out `request` once its key was judged. A model outside the key's scope is a 404, exactly as for a
    /// model that does not exist (OpenAI does not tell a key which models exist that it cannot use).
    private func authorized(_ request: GatewayRequest, _ result: Result<APIKeyGrant, GatewayError>) {
        guard case .working = state else { return }
        let grant: APIKeyGrant
        switch result {
        case .success(let granted): grant = granted
        case .failure(let error):
            if error.kind == .invalidAPIKey, let key = request.apiKey {
                Log.info("rejected API key with fingerprint \(APIKeySet.fingerprint(key))", ["request_id": requestId])
            }
            return finish(.error(error))
        }
        // The level checked first: the fields are built before `Log` could drop the line, on every request.
        if request.apiKey != nil, Log.logs(.info) {
            Log.info("key \(grant.label)", ["request_id": requestId])
        }
        switch request.operation {
        case .health, .metrics:
            break  // Answered without a key (`handle`).
        case .listModels:
            finish(.models(server.config.catalog.models.filter { grant.allows(model: $0.id) }))
        case .retrieveModel(let id):
            guard grant.allows(model: id), let model = server.config.catalog.models.first(where: { $0.id == id })
            else { return finishModelNotFound(id) }
            finish(.models([model]))
        case .chatCompletion(let chat):
            guard grant.allows(model: chat.model) else { return finishModelNotFound(chat.model) }
            startChat(chat)
        case .completion(let completion):
            guard grant.allows(model: completion.model) else { return finishModelNotFound(completion.model) }
            startCompletion(completion)
        case .embeddings(let embeddings):
            guard grant.allows(model: embeddings.model) else { return finishModelNotFound(embeddings.model) }
            startEmbeddings(embeddings)
        }
    }

    private func finishModelNotFound(_ model: String) {
        finish(
            .error(
                GatewayError(
                    .modelNotFound, "The model `\(model)` does not exist or you do not have access to it.",
                    param: "model")))
    }

    private func startChat(_ chat: ChatRequest) {
        guard let route = route(for: chat.model, serving: .chatCompletions) else { return }
        if route.format == .tgi { return startTGIChat(chat, route: route) }
        let containerModel = route.containerModel
        callModel(route: route, serving: .chatCompletions, clientStreams: chat.stream) { stream in
            OpenAIContainerPayload.body(for: chat, containerModel: containerModel, stream: stream)
        }
    }

    /// `parse` reads the container's whole answer (`openai` format by default).
    func invoke(
        _ request: AWSHTTPRequest, route: ModelRoute,
        parse: @escaping ([UInt8]) -> Result<[ModelEvent], GatewayError> = OpenAIResponseParser.events(from:)
    ) {
        // SageMaker caps InvokeEndpoint answers at 6 MB (25 MB for some containers); more is not an answer.
        transfer = sendBuffered(
            request, on: server.curl, connectTimeout: 10, totalTimeout: server.config.invokeTimeout,
            maxBytes: Session.maxResponseBytes,
            observe: { recordUpstream($0, route: route, streaming: false) }
        ) { [weak self] result in
            guard let self else { return }
            self.transfer = nil
            switch result {
            case .failure(.transport(let error)): self.finish(.error(self.transportError(error)))
            case .failure(.tooLarge(let limit)):
                self.finish(.error(GatewayError(.upstreamFailure, "The model's answer is larger than \(limit) bytes.")))
            case .success(let response):
                self.perform(
                    ModelCallStateMachine.wholeAnswer(
                        // Only a refusal reads the headers: a 200's are not decoded.
                        status: response.status, headers: response.status == 200 ? [] : response.headers,
                        body: response.body,
                        reasoning: route.reasoning, shape: route.responseShape, parse: parse),
                    route: route, fallback: nil)
            }
        }
    }

    /// `decoder` reads the streamed body: SageMaker's event stream around `openai`-format output by default.
    /// `assembling`: the client asked for one JSON answer, which the shim builds from these events; then
    /// `INVOKE_TIMEOUT_SECONDS` bounds the whole call and the answer's size is capped as for InvokeEndpoint.
    /// `fallback`: what to do instead when SageMaker refuses the streaming call with a `ValidationError`.
    /// What the answer means is `ModelCallStateMachine`'s; this only connects it to curl and the shim.
    func invokeStreaming(
        _ request: AWSHTTPRequest, route: ModelRoute,
        decoder: any ResponseStreamDecoder = SageMakerStreamDecoder(),
        assembling: Bool = false, fallback: (() -> Void)? = nil
    ) {
        let transfer = CurlTransfer(
            method: request.method, url: request.url, headers: request.headers,
            body: request.body,
            connectTimeout: 10, totalTimeout: assembling ? server.config.invokeTimeout : nil,
            idleTimeout: server.config.streamIdleTimeout)
        answer = ModelCallStateMachine(
            decoder: decoder, reasoning: route.reasoning, shape: route.responseShape,
            maxAnswerBytes: assembling ? Session.maxResponseBytes : nil, fallsBack: fallback != nil)
        transfer.onResponseHead = { [weak self] status, head in
            // Only a refusal keeps the headers: a 200's are not decoded.
            guard let self,
                let actions = self.answer?.responseStarted(status: status, headers: status == 200 ? [] : head.fields)
            else { return }
            self.perform(actions, route: route, fallback: fallback)
        }
        transfer.onDataBuffer = { [weak self] bytes in
            guard let self, case .working = self.state, let actions = self.answer?.received(bytes) else {
                return .proceed
            }
            self.perform(actions, route: route, fallback: fallback)
            guard case .working = self.state, self.credit <= 0 || self.connection.isCongested else {
                return .proceed
            }
            self.transferPaused = true
            self.connection.resume(self)
            return .pause
        }
        transfer.onComplete = { [weak self] result in
            guard let self else { return }
            self.transfer = nil
            switch result {
            case .failure(let error):
                self.answer?.transportFailed()
                self.finish(.error(self.transportError(error)))
            case .success:
                guard let actions = self.answer?.completed() else { return }
                self.perform(actions, route: route, fallback: fallback)
            }
        }
        recordUpstream(transfer, route: route, streaming: true)
        start(transfer)
    }

    /// Carries out what the model call's state machine asked for, in order.
    private func perform(_ actions: [ModelCallStateMachine.Action], route: ModelRoute, fallback: (() -> Void)?) {
        // A streamed chunk is mostly one action: nothing to gather.
        if actions.count == 1 { return perform(actions[0], route: route, fallback: fallback) }
        var index = actions.startIndex
        while index < actions.endIndex {
            // A run of frames goes out in one write.
            var end = index
            while end < actions.endIndex, case .send = actions[end] { end += 1 }
            if end - index > 1 {
                send(actions[index..<end])
                index = end
                continue
            }
            perform(actions[index], route: route, fallback: fallback)
            index += 1
        }
    }

    /// The `.send` actions of `run`, written together.
    private func send(_ run: ArraySlice<ModelCallStateMachine.Action>) {
        sendFrames { out, stream in
            for action in run {
                if case .send(let message) = action { message.append(stream: stream, to: &out) }
            }
        }
    }

    private func perform(_ action: ModelCallStateMachine.Action, route: ModelRoute, fallback: (() -> Void)?) {
        switch action {
        case .send(let message): send(message)
        case .end: finish(.end)
        case .fail(let error): finish(.error(error))
        case .refuse(let refusal):
            finish(
                .error(
                    upstreamError(
                        status: refusal.status, headers: refusal.headers, body: refusal.body, route: route)))
        case .fallBack:
            Log.info(
                "\(route.endpoint) refused a streaming call (ValidationError); asking again with InvokeEndpoint",
                ["request_id": requestId])
            answer = nil
            fallback?()
        }
    }

    private func start(_ transfer: CurlTransfer) {
        self.transfer = transfer
        server.curl.add(transfer)
    }

    func upstreamError(status: Int, headers: [(String, String)], body: [UInt8], route: ModelRoute)
        -> GatewayError
    {
        if route.format == .sagemakerOpenAI {
            return openAIRouteError(status: status, headers: headers, body: body, route: route)
        }
        let error = SageMakerErrorMapper.map(status: status, headers: headers, body: body, endpointName: route.endpoint)
        if SageMakerErrorMapper.isCredentialError(error) {
            let type = headers.first(where: { $0.0.lowercased() == "x-amzn-errortype" })?.1 ?? "HTTP \(status)"
            Log.error(
                "SageMaker refused the gateway's credentials (\(type)); check the task role and its policy",
                ["request_id": requestId]
            )
        } else {
            Log.info(
                "SageMaker error HTTP \(status) from \(route.endpoint): \(error.kind.rawValue)",
                ["request_id": requestId])
        }
        return error
    }

    func transportError(_ error: CurlError) -> GatewayError {
        Log.warning("SageMaker transfer failed: \(error)", ["request_id": requestId])
        switch error {
        case .timedOut: return GatewayError(.upstreamTimeout, "SageMaker did not answer in time.")
        case .couldNotConnect: return GatewayError(.upstreamFailure, "The gateway could not reach SageMaker.")
        default: return GatewayError(.upstreamFailure, "The connection to SageMaker failed.")
        }
    }

    /// Called by the connection once neither the shim nor the connection's output holds the transfer.
    func resumeTransfer() {
        guard transferPaused, let transfer else { return }
        transferPaused = false
        transfer.resume()
    }

    func send(_ message: TranslatorMessage) {
        sendFrames { out, stream in message.append(stream: stream, to: &out) }
    }

    /// The frames `write` appends for this session's stream, in one write, paid for from its credit.
    private func sendFrames(_ write: (_ out: inout [UInt8], _ stream: UInt32) -> Void) {
        guard case .working = state else { return }
        hasSentFrame = true
        let stream = self.stream
        credit -= connection.send { write(&$0, stream) }
    }

    func finish(_ last: TranslatorMessage) {
        guard state != .finished else { return }
        connection.send(last, stream: stream)
        state = .finished
        cancelTransfer()
        connection.sessionEnded(self)
    }

    private func cancelTransfer() {
        if let transfer {
            self.transfer = nil
            server.curl.cancel(transfer)
        }
        for side in sideTransfers.values { server.curl.cancel(side) }
        sideTransfers = [:]
    }

    /// The shim's client went away (`cancel`), or the connection did: stop, and send nothing more.
    func cancel() {
        guard state != .finished else { return }
        if transfer != nil || !sideTransfers.isEmpty {
            Log.info("client went away; cancelling the SageMaker transfer", ["request_id": requestId])
        }
        state = .finished
        cancelTransfer()
        connection.sessionEnded(self)
    }
}
