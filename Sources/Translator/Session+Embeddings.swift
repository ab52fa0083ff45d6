import GatewayLog
import GatewayWire
import ModelFormats
import TranslatorCore

extension Session {
    /// `POST /v1/embeddings`, never streamed (plain `InvokeEndpoint`):
    /// - `openai` format: OpenAI's body to `/invocations` (vLLM, SGLang), answered in OpenAI's shape with usage;
    /// - `embeddings` format: TEI's `{"inputs": [...]}` in batches of the route's `max_batch_size`, sent one
    ///   after the other and joined in order; TEI reports no usage, so the shim estimates it.
    func startEmbeddings(_ request: EmbeddingsRequest) {
        guard let route = route(for: request.model, serving: .embeddings) else { return }
        switch route.format {
        case .embeddings:
            let bodies = TEIEmbeddingsPayload.bodies(for: request, maxBatchSize: route.maxBatchSize)
            let sizes = stride(from: 0, to: request.input.count, by: max(1, route.maxBatchSize)).map {
                min(route.maxBatchSize, request.input.count - $0)
            }
            Log.debug("\(requestId) embedding \(request.input.count) input(s) in \(bodies.count) batch(es)")
            embedBatches(Array(zip(bodies, sizes)), done: [], route: route, request: request)
        default:
            let body = OpenAIEmbeddingsPayload.body(for: request, containerModel: route.containerModel)
            invokeBuffered(route: route, body: body) { [weak self] answer in
                guard let self else { return }
                switch EmbeddingsResponseParser.openAI(answer, expected: request.input.count) {
                case .failure(let error): self.finish(.error(error))
                case .success(let result): self.finishEmbeddings(result, request: request, route: route)
                }
            }
        }
    }

    private func embedBatches(
        _ batches: [(body: [UInt8], size: Int)], done: [[Float]], route: ModelRoute, request: EmbeddingsRequest
    ) {
        guard let batch = batches.first else {
            return finishEmbeddings(
                EmbeddingsResult(vectors: done, promptTokens: nil), request: request, route: route)
        }
        invokeBuffered(route: route, body: batch.body) { [weak self] answer in
            guard let self else { return }
            switch EmbeddingsResponseParser.tei(answer, expected: batch.size) {
            case .failure(let error): self.finish(.error(error))
            case .success(let vectors):
                self.embedBatches(Array(batches.dropFirst()), done: done + vectors, route: route, request: request)
            }
        }
    }

    /// A container that ignores `dimensions` (older TEI, models without Matryoshka training) would hand the
    /// client vectors of the wrong length without a word: refuse instead.
    private func finishEmbeddings(_ result: EmbeddingsResult, request: EmbeddingsRequest, route: ModelRoute) {
        if let dimensions = request.dimensions, let wrong = result.vectors.first(where: { $0.count != dimensions }) {
            return finish(
                .error(
                    GatewayError(
                        .invalidRequest,
                        "The model `\(request.model)` does not support 'dimensions': it returned "
                            + "\(wrong.count)-dimensional embeddings when \(dimensions) were asked for.",
                        param: "dimensions")))
        }
        finish(.embeddings(result))
    }

    /// One `InvokeEndpoint` call whose 200 body goes to `completion`; anything else ends the session with
    /// the mapped error.
    private func invokeBuffered(route: ModelRoute, body: [UInt8], completion: @escaping ([UInt8]) -> Void) {
        signedInvocation(route: route, body: body, stream: false) { [weak self] request in
            guard let self else { return }
            self.transfer = sendBuffered(
                request, on: self.server.curl, connectTimeout: 10, totalTimeout: self.server.config.invokeTimeout,
                maxBytes: Session.maxResponseBytes
            ) { [weak self] result in
                guard let self, case .working = self.state else { return }
                self.transfer = nil
                switch result {
                case .failure(.transport(let error)): self.finish(.error(self.transportError(error)))
                case .failure(.tooLarge(let limit)):
                    self.finish(
                        .error(GatewayError(.upstreamFailure, "The model's answer is larger than \(limit) bytes.")))
                case .success(let response):
                    guard response.status == 200 else {
                        return self.finish(
                            .error(
                                self.upstreamError(
                                    status: response.status, headers: response.headers, body: response.body,
                                    route: route)))
                    }
                    completion(response.body)
                }
            }
        }
    }
}
