/// The shim's figures (`HTTPShim` owns one): plain counters on the loop thread, updated once per request (a token only bumps
/// an integer inside its `ProxiedRequest`), turned into metric families only when scraped.
package final class ShimMetrics {
    private struct RequestKey: Hashable {
        var route: String
        var model: String
        var status: Int
    }

    private struct UsageKey: Hashable {
        var model: String
        var type: String
    }

    /// Model labels come from clients: past this many distinct names, new ones count as `other`, so a
    /// client cycling names cannot grow the page without bound.
    package static let maxModelLabels = 100

    private var requests: [RequestKey: Int] = [:]
    private var durations: [String: Histogram] = [:]
    private var firstTokens: [String: Histogram] = [:]
    private var streamedTokens: [String: Int] = [:]
    private var usageTokens: [UsageKey: Int] = [:]
    private var translatorErrors: [String: Int] = [:]
    private var models: Set<String> = []
    package var openStreams = 0
    package var inFlight = 0

    package init() {}

    /// `model` as the label to use: the name, `other` past the cap.
    package func modelLabel(_ model: String) -> String {
        if models.contains(model) { return model }
        guard models.count < Self.maxModelLabels else { return "other" }
        models.insert(model)
        return model
    }

    /// One finished request. `model` is already a label (`none` for requests that name no model or that
    /// never reached one); `seconds` is observed only for requests that name a model.
    package func requestFinished(
        route: String, model: String, status: Int, seconds: Double, firstToken: Double?, tokens: Int,
        usage: (prompt: Int, completion: Int)?
    ) {
        requests[RequestKey(route: route, model: model, status: status), default: 0] += 1
        guard model != "none" else { return }
        durations[model, default: Histogram(bounds: Histogram.latencyBounds)].observe(seconds)
        if let firstToken {
            firstTokens[model, default: Histogram(bounds: Histogram.latencyBounds)].observe(firstToken)
        }
        if tokens > 0 { streamedTokens[model, default: 0] += tokens }
        if let usage {
            // Containers report these counts: a nonsense one saturates the counter instead of trapping.
            for (type, count) in [("prompt", usage.prompt), ("completion", usage.completion)] {
                let key = UsageKey(model: model, type: type)
                let (sum, overflow) = usageTokens[key, default: 0].addingReportingOverflow(max(0, count))
                usageTokens[key] = overflow ? Int.max : sum
            }
        }
    }

    /// A request the shim answered itself, without the translator.
    package func requestFinished(route: String, status: Int) {
        requests[RequestKey(route: route, model: "none", status: status), default: 0] += 1
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
        let requestSamples = requests.sorted {
            ($0.key.route, $0.key.model, $0.key.status) < ($1.key.route, $1.key.model, $1.key.status)
        }
        .map {
            MetricSample(
                ["route": $0.key.route, "model": $0.key.model, "status": String($0.key.status)], Double($0.value))
        }
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
                samples: streamedTokens.sorted { $0.key < $1.key }.map {
                    MetricSample(["model": $0.key], Double($0.value))
                }),
            MetricFamily(
                name: "gateway_usage_tokens_total", kind: .counter,
                help: "Prompt and completion tokens as the model's container reported them in usage, by model.",
                samples: usageTokens.sorted { ($0.key.model, $0.key.type) < ($1.key.model, $1.key.type) }
                    .map { MetricSample(["model": $0.key.model, "type": $0.key.type], Double($0.value)) }),
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

    private func histogramSamples(_ byModel: [String: Histogram]) -> [MetricSample] {
        byModel.sorted { $0.key < $1.key }.flatMap { $0.value.samples(labels: [MetricLabel("model", $0.key)]) }
    }
}
