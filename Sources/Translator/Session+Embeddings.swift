import GatewayLog
import GatewayWire
import ModelFormats
import TranslatorCore

extension Session {
    /// `POST /v1/embeddings`, never streamed (plain `InvokeEndpoint`), in batches of the route's
    /// `max_batch_size` sent one after the other and joined in input order (`EmbeddingsBatching`):
    /// - `openai` format: OpenAI's body to `/invocations` (vLLM, SGLang), answered in OpenAI's shape with usage;
    /// - `embeddings` format: TEI's `{"inputs": [...]}`, answered with a bare array; no usage, so the shim
    ///   estimates it.
    func startEmbeddings(_ request: EmbeddingsRequest) {
        guard let route = route(for: request.model, serving: .embeddings) else { return }
        let sizes = EmbeddingsBatching.ranges(count: request.input.count, maxBatchSize: route.maxBatchSize).map(\.count)
        let bodies =
            route.format == .embeddings
            ? TEIEmbeddingsPayload.bodies(for: request, maxBatchSize: route.maxBatchSize)
            : OpenAIEmbeddingsPayload.bodies(
                for: request, containerModel: route.containerModel, maxBatchSize: route.maxBatchSize)
        Log.debug("\(requestId) embedding \(request.input.count) input(s) in \(bodies.count) call(s)")
        embedBatches(
            zip(bodies, sizes).map { (body: $0, size: $1) }[...], done: EmbeddingsResult(vectors: [], promptTokens: 0),
            route: route,
            request: request)
    }

    /// Sends the first batch, then the rest; `done` holds the vectors so far and the summed prompt tokens
    /// (`nil` as soon as one call reported none).
    private func embedBatches(
        _ batches: ArraySlice<(body: [UInt8], size: Int)>, done: EmbeddingsResult, route: ModelRoute,
        request: EmbeddingsRequest
    ) {
        guard let batch = batches.first else { return finishEmbeddings(done, request: request) }
        invokeBuffered(route: route, body: batch.body) { [weak self] answer in
            guard let self else { return }
            let parsed: Result<EmbeddingsResult, GatewayError>
            if route.format == .embeddings {
                parsed = EmbeddingsResponseParser.tei(answer, expected: batch.size).map {
                    EmbeddingsResult(vectors: $0, promptTokens: nil)
                }
            } else {
                parsed = EmbeddingsResponseParser.openAI(answer, expected: batch.size)
            }
            switch parsed {
            case .failure(let error): self.finish(.error(error))
            case .success(let result):
                var joined = done
                joined.vectors += result.vectors
                joined.promptTokens = done.promptTokens.flatMap { sum in result.promptTokens.map { sum + $0 } }
                self.embedBatches(batches.dropFirst(), done: joined, route: route, request: request)
            }
        }
    }

    /// A container that ignores `dimensions` (older TEI, models without Matryoshka training) would hand the
    /// client vectors of the wrong length without a word: refuse instead.
    private func finishEmbeddings(_ result: EmbeddingsResult, request: EmbeddingsRequest) {
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
