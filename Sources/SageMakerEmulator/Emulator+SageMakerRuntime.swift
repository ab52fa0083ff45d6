import EventLoop
import FoundationEssentials
import GatewayWire

extension Emulator {
    /// `POST /endpoints/{EndpointName}/invocations` and `.../invocations-response-stream`.
    /// https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpoint.html
    func sagemakerRuntime(_ exchange: HTTPExchange, requestId: String) {
        let segments = exchange.path.split(separator: "/", omittingEmptySubsequences: false)
        guard segments.count == 4, segments[1] == "endpoints",
            segments[3] == "invocations" || segments[3] == "invocations-response-stream"
        else {
            return respond(
                exchange,
                AWSError(code: "UnknownOperationException", status: 404, message: "Not Found").restJSON(
                    requestId: requestId))
        }
        let streaming = segments[3] == "invocations-response-stream"
        if let failure = authenticate(exchange, service: "sagemaker") {
            return respond(exchange, failure.restJSON(requestId: requestId))
        }
        let endpoint = PercentDecoding.decode(segments[2]) ?? String(segments[2])
        guard config.endpoints.contains(endpoint) else {
            return respond(
                exchange,
                AWSError.validation("Endpoint \(endpoint) of account \(EmulatorIdentity.account) not found.").restJSON(
                    requestId: requestId))
        }
        let variant = exchange.header("X-Amzn-SageMaker-Target-Variant") ?? config.variants.first ?? "AllTraffic"
        guard config.variants.contains(variant) else {
            return respond(
                exchange,
                AWSError.validation("Variant \(variant) not found for endpoint \(endpoint).").restJSON(
                    requestId: requestId))
        }
        if let failure = checkInferenceComponent(exchange.header("X-Amzn-SageMaker-Inference-Component")) {
            return respond(exchange, failure.restJSON(requestId: requestId))
        }
        stats.invocations += 1
        if streaming, config.noStreamEndpoints.contains(endpoint) {
            return respond(
                exchange,
                AWSError.validation("Endpoint \(endpoint) does not support streaming responses.").restJSON(
                    requestId: requestId))
        }
        if config.tgiEndpoints.contains(endpoint) {
            return tgiInvocation(
                exchange, requestId: requestId, endpoint: endpoint, variant: variant, streaming: streaming)
        }
        let api = ContainerAPI(body: exchange.body)
        if config.upstream != nil, api != .teiEmbeddings {
            return forwardToUpstream(
                exchange, api: api, requestId: requestId, endpoint: endpoint, variant: variant, streaming: streaming)
        }
        guard api == .chat else {
            return serveContainerAPI(
                api, exchange, requestId: requestId, endpoint: endpoint,
                delivery: .invocation(variant: variant, streaming: streaming))
        }

        let script: ChatScript
        switch ChatScript.make(body: exchange.body, servedModel: config.servedModel, endpoint: endpoint) {
        case .success(let s): script = s
        case .failure(.service(let error)):
            return respond(exchange, error.restJSON(requestId: requestId))
        case .failure(.container(let status, let body)):
            return respond(
                exchange,
                AWSError.model(status: status, body: body, endpoint: endpoint, region: config.region).restJSON(
                    requestId: requestId))
        }
        completionCounter += 1
        let renderer = ChatRenderer(
            script: script, id: "chatcmpl-emulator-\(completionCounter)", created: Int(Date().timeIntervalSince1970))

        var headers: [(String, String)] = [
            ("x-amzn-RequestId", requestId), ("x-Amzn-Invoked-Production-Variant", variant),
        ]
        if let attributes = exchange.header("X-Amzn-SageMaker-Custom-Attributes") {
            headers.append(("X-Amzn-SageMaker-Custom-Attributes", attributes))
        }

        if streaming, script.stream || script.failAfter == nil {
            headers.append(("Content-Type", "application/vnd.amazon.eventstream"))
            headers.append(("X-Amzn-SageMaker-Content-Type", renderer.contentType))
            let steps =
                script.stream
                ? renderer.steps() : [ChatRenderer.Step(delay: renderer.totalDelay, events: [renderer.completeBody()])]
            startStream(exchange, steps: steps, partBytes: script.partBytes, headers: headers)
            return
        }

        // A buffered answer: the container's whole output (or its 500 when it fails midway) after its delays.
        let answer: (Int, [(String, String)], [UInt8])
        if script.failAfter != nil {
            let failure = ChatScript.vllmError(
                500, "InternalServerError", "Model failed after \(script.failAfter ?? 0) tokens (emulated fail_after).")
            guard case .container(let status, let body) = failure else { return }
            answer = AWSError.model(status: status, body: body, endpoint: endpoint, region: config.region).restJSON(
                requestId: requestId)
        } else {
            answer = (200, headers + [("Content-Type", renderer.contentType)], renderer.completeBody())
        }
        if !streaming, renderer.totalDelay > config.invokeTimeout {
            stats.invokeTimeouts += 1
            return respondLater(
                exchange, after: config.invokeTimeout,
                AWSError.invocationTimedOut(endpoint: endpoint, region: config.region).restJSON(requestId: requestId))
        }
        respondLater(exchange, after: renderer.totalDelay, answer)
    }

    func checkInferenceComponent(_ name: String?) -> AWSError? {
        switch (name, config.inferenceComponents.isEmpty) {
        case (nil, true): return nil
        case (nil, false):
            return .validation(
                "Inference Component Name header is required for endpoints to which you plan to deploy inference components. Please include Inference Component Name header or consider using SageMaker models."
            )
        case (.some, true):
            return .validation(
                "Inference Component Name header is not allowed for endpoints to which you dont have inference components. Please remove the Inference Component Name header and try again."
            )
        case (.some(let name), false):
            return config.inferenceComponents.contains(name)
                ? nil : .validation("Inference Component \(name) not found.")
        }
    }

    /// `plain`: the steps' bytes as the HTTP body itself (the OpenAI route), not wrapped in PayloadParts.
    func startStream(
        _ exchange: HTTPExchange, steps: [ChatRenderer.Step], partBytes: Int?, headers: [(String, String)],
        plain: Bool = false
    ) {
        let key = ObjectIdentifier(exchange)
        stats.streamsStarted += 1
        stats.activeStreams += 1
        let session = StreamSession(loop: loop, exchange: exchange, steps: steps, partBytes: partBytes, plain: plain) {
            [unowned self] cancelled in
            self.stats.activeStreams -= 1
            if cancelled { self.stats.streamsCancelled += 1 } else { self.stats.streamsCompleted += 1 }
            self.streams[key] = nil
        }
        streams[key] = session
        session.start(headers: headers)
    }

    func respondLater(_ exchange: HTTPExchange, after delay: Double, _ answer: (Int, [(String, String)], [UInt8])) {
        guard delay > 0 else { return respond(exchange, answer) }
        let key = ObjectIdentifier(exchange)
        let timer = EventLoopTimer(loop: loop) { [unowned self] in
            self.delayed[key] = nil
            self.respond(exchange, answer)
        }
        exchange.onClientClose = { [unowned self] in
            self.delayed[key]?.cancel()
            self.delayed[key] = nil
        }
        delayed[key] = timer
        timer.schedule(after: delay)
    }
}
