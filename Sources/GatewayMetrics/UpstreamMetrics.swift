/// The translator's SageMaker calls (`Translator` owns one), updated once per call on the loop thread; the
/// families for the shim's page are built only when it asks (`op: metrics`). `outcome` is one of
/// `TranslatorCore.UpstreamOutcome`'s few values.
package final class UpstreamMetrics {
    private struct UpstreamKey: Hashable {
        var endpoint: String
        var operation: String
        var outcome: String
    }

    private var upstreamCalls: [UpstreamKey: Int] = [:]
    private var upstreamLatency: [String: Histogram] = [:]

    /// One finished SageMaker call. `seconds` runs to the response headers (for a stream: its start), or to
    /// the failure when none came. Endpoint names come from MODELS_FILE, so the label set is bounded.
    package init() {}

    package func upstreamFinished(endpoint: String, operation: String, outcome: String, seconds: Double) {
        upstreamCalls[UpstreamKey(endpoint: endpoint, operation: operation, outcome: outcome), default: 0] += 1
        upstreamLatency[endpoint, default: Histogram(bounds: Histogram.latencyBounds)].observe(seconds)
    }

    package func families() -> [MetricFamily] {
        let calls = upstreamCalls.sorted {
            ($0.key.endpoint, $0.key.operation, $0.key.outcome)
                < ($1.key.endpoint, $1.key.operation, $1.key.outcome)
        }
        return [
            MetricFamily(
                name: "gateway_upstream_requests_total", kind: .counter,
                help: "SageMaker calls by endpoint, operation and outcome (ok, throttled, model_error, timeout, "
                    + "connection_failure, error).",
                samples: calls.map {
                    MetricSample(
                        [
                            "endpoint": $0.key.endpoint, "operation": $0.key.operation,
                            "outcome": $0.key.outcome,
                        ],
                        Double($0.value))
                }),
            MetricFamily(
                name: "gateway_upstream_response_seconds", kind: .histogram,
                help: "Seconds from sending a SageMaker call to its response headers (a stream's start), by endpoint.",
                samples: upstreamLatency.sorted { $0.key < $1.key }.flatMap {
                    $0.value.samples(labels: [MetricLabel("endpoint", $0.key)])
                }),
        ]
    }
}
