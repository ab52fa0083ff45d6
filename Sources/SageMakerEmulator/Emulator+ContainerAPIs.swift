import EventLoop
import FoundationEssentials
import GatewayWire

extension Emulator {
    /// Bodies other than chat: OpenAI completions (streamed or not, like chat), OpenAI embeddings (vLLM) and
    /// TEI's `{"inputs": [...]}`, which refuses more than `--max-batch` inputs; on `/invocations` or, for the
    /// OpenAI ones, on SageMaker's OpenAI route (`delivery`). Embeddings are answered whole, on either.
    func serveContainerAPI(
        _ api: ContainerAPI, _ exchange: HTTPExchange, requestId: String, endpoint: String, delivery: ContainerDelivery
    ) {
        var headers: [(String, String)] = [("x-amzn-RequestId", requestId)]
        var streaming = false
        if case .invocation(let variant, let streamed) = delivery {
            streaming = streamed
            headers.append(("x-Amzn-Invoked-Production-Variant", variant))
            if let attributes = exchange.header("X-Amzn-SageMaker-Custom-Attributes") {
                headers.append(("X-Amzn-SageMaker-Custom-Attributes", attributes))
            }
        }
        let failed = { [unowned self] (failure: ChatScript.Failure) in
            switch failure {
            case .service(let error): self.respond(exchange, error.restJSON(requestId: requestId))
            case .container(let status, let body) where delivery == .openAIRoute:
                self.respond(
                    exchange, (status, headers + [("Content-Type", "application/json")], Array(body.utf8)))
            case .container(let status, let body):
                self.respond(
                    exchange,
                    AWSError.model(status: status, body: body, endpoint: endpoint, region: self.config.region)
                        .restJSON(requestId: requestId))
            }
        }
        let whole: ([UInt8], Double) -> Void = { [unowned self] body, delay in
            if streaming {
                self.startStream(
                    exchange, steps: [ChatRenderer.Step(delay: delay, events: [body])], partBytes: nil,
                    headers: headers + [
                        ("Content-Type", "application/vnd.amazon.eventstream"),
                        ("X-Amzn-SageMaker-Content-Type", "application/json"),
                    ])
            } else {
                self.respondLater(exchange, after: delay, (200, headers + [("Content-Type", "application/json")], body))
            }
        }
        switch api {
        case .chat:
            return
        case .teiEmbeddings:
            switch EmbeddingScript.make(body: exchange.body, inputKey: "inputs", maxBatch: config.maxBatch) {
            case .failure(let failure): failed(failure)
            case .success(let script): whole(script.teiBody(), script.delay)
            }
        case .openAIEmbeddings:
            if let failure = Self.checkServedModel(exchange.body, servedModel: config.servedModel) {
                return failed(failure)
            }
            switch EmbeddingScript.make(body: exchange.body, inputKey: "input", maxBatch: nil) {
            case .failure(let failure): failed(failure)
            case .success(let script): whole(script.openAIBody(model: config.servedModel), script.delay)
            }
        case .completions:
            var script: CompletionScript
            switch CompletionScript.make(body: exchange.body, servedModel: config.servedModel, endpoint: endpoint) {
            case .failure(let failure): return failed(failure)
            case .success(let s): script = s
            }
            completionCounter += 1
            if delivery == .openAIRoute, script.first.stream {
                // SSE whatever the directives say: this route is OpenAI's, and OpenAI streams SSE.
                for i in script.choices.indices { script.choices[i].framing = .sse }
            }
            let renderer = CompletionRenderer(
                script: script, id: "cmpl-emulator-\(completionCounter)", created: Int(Date().timeIntervalSince1970))
            if delivery == .openAIRoute, script.first.stream {
                startStream(
                    exchange, steps: renderer.steps(), partBytes: script.first.partBytes,
                    headers: headers + [("Content-Type", "text/event-stream")], plain: true)
            } else if streaming {
                let steps =
                    script.first.stream
                    ? renderer.steps()
                    : [ChatRenderer.Step(delay: renderer.totalDelay, events: [renderer.completeBody()])]
                startStream(
                    exchange, steps: steps, partBytes: script.first.partBytes,
                    headers: headers + [
                        ("Content-Type", "application/vnd.amazon.eventstream"),
                        ("X-Amzn-SageMaker-Content-Type", renderer.contentType),
                    ])
            } else if script.first.failAfter != nil {
                failed(
                    ChatScript.vllmError(
                        500, "InternalServerError", "Model failed after \(script.first.failAfter ?? 0) tokens."))
            } else {
                respondLater(
                    exchange, after: renderer.totalDelay,
                    (200, headers + [("Content-Type", renderer.contentType)], renderer.completeBody()))
            }
        }
    }

    /// vLLM refuses a `model` it does not serve; empty means the served one.
    static func checkServedModel(_ body: [UInt8], servedModel: String) -> ChatScript.Failure? {
        guard let name = (try? JSONParser.parse(body))?["model"]?.stringValue, !name.isEmpty, name != servedModel
        else { return nil }
        return ChatScript.vllmError(404, "NotFoundError", "The model `\(name)` does not exist.")
    }
}
