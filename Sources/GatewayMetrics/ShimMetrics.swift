/// The shim's figures (`HTTPShim` owns one): plain counters on the loop thread, updated once per request (a token only bumps
/// an integer inside its `ProxiedRequest`), turned into metric families only when scraped.
package final class ShimMetrics {
    /// Everything counted under one model label (`none` included, which only counts requests), so that a
    /// finished request hashes its model once, where a table per figure hashed a key up to eight times.
    private struct ModelFigures {
        /// Requests by route and status, in the order first seen: a handful per model, found by comparing
        /// the status first.
        var requests: [(route: String, status: Int, count: Int)] = []
        /// Each nil until the model's first observation of it.
        var duration: Histogram?
        var firstToken: Histogram?
        var streamedTokens: Int?
        var usage: (prompt: Int, completion: Int)?

        mutating func count(route: String, status: Int) {
            for i in requests.indices where requests[i].status == status && requests[i].route == route {
                requests[i].count += 1
                return
            }
            requests.append((route, status, 1))
        }

        /// One finished request; `seconds` nil for one that is only counted (no model).
        mutating func finished(
            route: String, status: Int, seconds: Double?, firstToken first: Double?, tokens: Int,
            usage reported: (prompt: Int, completion: Int)?
        ) {
            count(route: route, status: status)
            guard let seconds else { return }
            duration.observeCreating(seconds)
            if let first { firstToken.observeCreating(first) }
            if tokens > 0 { streamedTokens = (streamedTokens ?? 0) + tokens }
            if let reported {
                // Containers report these counts: a nonsense one saturates the counter instead of trapping.
                let sum = usage ?? (0, 0)
                usage = (
                    Self.saturating(sum.prompt, reported.prompt), Self.saturating(sum.completion, reported.completion)
                )
            }
        }

        private static func saturating(_ total: Int, _ count: Int) -> Int {
            let (sum, overflow) = total.addingReportingOverflow(max(0, count))
            return overflow ? Int.max : sum
        }
    }

    /// Model labels come from clients: past this many distinct names, new ones count as `other`, so a
    /// client cycling names cannot grow the page without bound.
    package static let maxModelLabels = 100

    // Unchecked, as the shim's per-request state is (see `EventLoop`'s note on exclusivity): the shim's loop
    // thread alone touches them, each access a plain read, write or in-place update with no callback inside,
    // and the runtime check cost some 100 instructions an access, three or four a request. Other modules
    // count through the methods below: an access compiled in another module is checked all the same.
    @exclusivity(unchecked) private var byModel: [String: ModelFigures] = [:]
    @exclusivity(unchecked) private var translatorErrors: [String: Int] = [:]
    @exclusivity(unchecked) private var models: Set<String> = []
    @exclusivity(unchecked) package var openStreams = 0
    @exclusivity(unchecked) package var inFlight = 0

    package init() {}

    /// `model` as the label to use: the name, `other` past the cap.
    package func modelLabel(_ model: String) -> String {
        if models.contains(model) { return model }
        guard models.count < Self.maxModelLabels else { return "other" }
        models.insert(model)
        return model
    }

    /// A request handed to the translator (`inFlight`).
    package func requestStarted() { inFlight += 1 }

    /// A request's answer began streaming (`openStreams`).
    package func streamOpened() { openStreams += 1 }

    /// A request counted by `requestStarted` (and `streamOpened` if `wasStreaming`) is answered.
    package func requestEnded(wasStreaming: Bool) {
        if wasStreaming { openStreams -= 1 }
        inFlight -= 1
    }

    /// One finished request. `model` is already a label (`none` for requests that name no model or that
    /// never reached one); `seconds` is observed only for requests that name a model.
    package func requestFinished(
        route: String, model: String, status: Int, seconds: Double, firstToken: Double?, tokens: Int,
        usage: (prompt: Int, completion: Int)?
    ) {
        // One lookup; the figures change in place, through the dictionary's accessor.
        byModel[model, default: ModelFigures()].finished(
            route: route, status: status, seconds: model == "none" ? nil : seconds, firstToken: firstToken,
            tokens: tokens, usage: usage)
    }

    /// A request the shim answered itself, without the translator.
    package func requestFinished(route: String, status: Int) {
        byModel["none", default: ModelFigures()].count(route: route, status: status)
    }

    package static let servedPaths: Set<String> = [
        "/ping", "/health", "/v1/models", "/v1/chat/completions", "/v1/completions", "/v1/embeddings",
        "/v1/responses", "/v1/messages", "/v1/messages/count_tokens",
    ]

    /// A path as a route label: served paths as they are, everything else `other`.
    package static func routeLabel(_ path: String) -> String {
        servedPaths.contains(path) ? path : "other"
    }

    /// The shim could not reach the translator (`unreachable`), or lost it mid-request (`lost`).
    package func translatorError(_ reason: String) {
        translatorErrors[reason, default: 0] += 1
    }

    package func families(translatorUp: Bool) -> [MetricFamily] {
        let requests = byModel.flatMap { model, figures in
            figures.requests.map { (route: $0.route, model: model, status: $0.status, count: $0.count) }
        }
        let requestSamples = requests.sorted { ($0.route, $0.model, $0.status) < ($1.route, $1.model, $1.status) }
            .map {
                MetricSample(["route": $0.route, "model": $0.model, "status": String($0.status)], Double($0.count))
            }
        let models = byModel.sorted { $0.key < $1.key }
        let durations = models.compactMap { model, figures in figures.duration.map { (model, $0) } }
        let firstTokens = models.compactMap { model, figures in figures.firstToken.map { (model, $0) } }
        return [
            MetricFamily(
                name: "gateway_requests_total", kind: .counter,
                help: "HTTP requests answered, by route, model (none: no model named or reached) and status.",
                samples: requestSamples),
            MetricFamily(
                name: "gateway_request_duration_seconds", kind: .histogram,
                help: "Seconds from a request's arrival to the end of its answer, by model.",
                samples: histogramSamples(durations)),
            MetricFamily(
                name: "gateway_time_to_first_token_seconds", kind: .histogram,
                help: "Seconds from a request's arrival to the model's first text, reasoning or tool-call delta.",
                samples: histogramSamples(firstTokens)),
            MetricFamily(
                name: "gateway_streamed_tokens_total", kind: .counter,
                help: "Text, reasoning and tool-call deltas received from models (about one token each), by model.",
                samples: models.compactMap { model, figures in
                    figures.streamedTokens.map { MetricSample(["model": model], Double($0)) }
                }),
            MetricFamily(
                name: "gateway_usage_tokens_total", kind: .counter,
                help: "Prompt and completion tokens as the model's container reported them in usage, by model.",
                samples: models.flatMap { model, figures in
                    figures.usage.map {
                        [
                            MetricSample(["model": model, "type": "completion"], Double($0.completion)),
                            MetricSample(["model": model, "type": "prompt"], Double($0.prompt)),
                        ]
                    } ?? []
                }),
            MetricFamily(
                name: "gateway_open_streams", kind: .gauge, help: "Streamed (SSE) answers in progress.",
                samples: [MetricSample([:], Double(openStreams))]),
            MetricFamily(
                name: "gateway_requests_in_flight", kind: .gauge,
                help: "Requests handed to the translator and not yet answered.",
                samples: [MetricSample([:], Double(inFlight))]),
            MetricFamily(
                name: "gateway_translator_up", kind: .gauge,
                help: "1 when the translator answered this scrape over its socket, else 0.",
                samples: [MetricSample([:], translatorUp ? 1 : 0)]),
            MetricFamily(
                name: "gateway_translator_errors_total", kind: .counter,
                help:
                    "Requests that could not reach the translator (unreachable) or lost it before the answer ended (lost).",
                samples: ["lost", "unreachable"].map { MetricSample(["reason": $0], Double(translatorErrors[$0] ?? 0)) }
            ),
        ]
    }

    /// `histograms` in model order.
    private func histogramSamples(_ histograms: [(String, Histogram)]) -> [MetricSample] {
        histograms.flatMap { $0.1.samples(labels: [MetricLabel("model", $0.0)]) }
    }
}

extension Histogram? {
    /// Observes `value`, making the latency histogram first if there is none yet.
    fileprivate mutating func observeCreating(_ value: Double) {
        // A pattern, not `self == nil`: that comparison copied the histogram (retaining both its arrays) first.
        if case .none = self { self = Histogram(bounds: Histogram.latencyBounds) }
        self?.observe(value)
    }
}
