import GatewayLog
import GatewayWire
import ModelFormats
import TranslatorCore

/// One embeddings request's batches: their bodies and sizes, and which are done.
private final class EmbeddingsJob {
    let bodies: [[UInt8]]
    let sizes: [Int]
    var batches: OrderedBatches<EmbeddingsResult>

    init(bodies: [[UInt8]], sizes: [Int], concurrency: Int) {
        self.bodies = bodies
        self.sizes = sizes
        batches = OrderedBatches(count: bodies.count, concurrency: concurrency)
    }
}

extension Session {
    /// Batches of one request in flight at once: enough to hide a round trip, few enough that one client's
    /// 2048 inputs do not crowd out everyone else's requests on the endpoint.
    static let embeddingsConcurrency = 4

    /// `POST /v1/embeddings`, never streamed (plain `InvokeEndpoint`), in batches of the route's
    /// `max_batch_size` (`EmbeddingsBatching`), up to `embeddingsConcurrency` at a time, joined in input order:
    /// - `openai` format: OpenAI's body to `/invocations` (vLLM, SGLang), answered in OpenAI's shape with usage;
    /// - `embeddings` format: TEI's `{"inputs": [...]}`, answered with a bare array; no usage, so the shim
    ///   estimates it;
    /// - `sagemaker-openai` format: OpenAI's body to SageMaker's OpenAI route (`…/openai/v1/embeddings`), answered
    ///   as for `openai`.
    func startEmbeddings(_ request: EmbeddingsRequest) {
        guard let route = route(for: request.model, serving: .embeddings) else { return }
        let sizes = EmbeddingsBatching.ranges(count: request.input.count, maxBatchSize: route.maxBatchSize).map(\.count)
        let bodies =
            route.format == .embeddings
            ? TEIEmbeddingsPayload.bodies(for: request, maxBatchSize: route.maxBatchSize)
            : OpenAIEmbeddingsPayload.bodies(
                for: request, containerModel: route.containerModel, maxBatchSize: route.maxBatchSize)
        Log.debug("embedding \(request.input.count) input(s) in \(bodies.count) call(s)", ["request_id": requestId])
        let job = EmbeddingsJob(bodies: bodies, sizes: sizes, concurrency: Session.embeddingsConcurrency)
        for index in job.batches.start() { embedBatch(index, of: job, route: route, request: request) }
    }

    private func embedBatch(_ index: Int, of job: EmbeddingsJob, route: ModelRoute, request: EmbeddingsRequest) {
        invokeBuffered(route: route, body: job.bodies[index]) { [weak self] answer in
            guard let self else { return }
            let expected = job.sizes[index]
            let parsed: Result<EmbeddingsResult, GatewayError>
            if route.format == .embeddings {
                parsed = EmbeddingsResponseParser.tei(answer, expected: expected).map {
                    EmbeddingsResult(vectors: $0, promptTokens: nil)
                }
            } else {
                parsed = EmbeddingsResponseParser.openAI(answer, expected: expected)
            }
            switch parsed {
            case .failure(let error): self.finish(.error(error))
            case .success(let result):
                let step = job.batches.completed(index, result)
                for next in step.launch { self.embedBatch(next, of: job, route: route, request: request) }
                if let all = step.all { self.finishEmbeddings(Self.joined(all), request: request) }
            }
        }
    }

    /// The batches' vectors in order; prompt tokens summed, or `nil` if any call reported none.
    private static func joined(_ results: [EmbeddingsResult]) -> EmbeddingsResult {
        var out = EmbeddingsResult(vectors: [], promptTokens: 0)
        for result in results {
            out.vectors += result.vectors
            out.promptTokens = out.promptTokens.flatMap { sum in
                result.promptTokens.map { Usage.saturatingSum(sum, $0) }
            }
        }
        return out
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

    /// One `InvokeEndpoint` (or OpenAI route) call whose 200 body goes to `completion`; anything else ends the session with
    /// the mapped error (which cancels the other batches in flight).
    private func invokeBuffered(route: ModelRoute, body: [UInt8], completion: @escaping ([UInt8]) -> Void) {
        modelRequest(route: route, serving: .embeddings, body: body, stream: false) { [weak self] request in
            guard let self else { return }
            var key: ObjectIdentifier?
            // A transfer curl refuses at once completes before `sendBuffered` returns: never register that one.
            var completed = false
            let transfer = sendBuffered(
                request, on: self.server.curl, connectTimeout: 10, totalTimeout: self.server.config.invokeTimeout,
                maxBytes: Session.maxResponseBytes,
                observe: { self.recordUpstream($0, route: route, streaming: false) }
            ) { [weak self] result in
                completed = true
                guard let self, case .working = self.state else { return }
                if let key { self.sideTransfers[key] = nil }
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
            guard !completed else { return }
            key = ObjectIdentifier(transfer)
            self.sideTransfers[ObjectIdentifier(transfer)] = transfer
        }
    }
}
