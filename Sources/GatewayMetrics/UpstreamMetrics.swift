/// The translator's SageMaker calls (`Translator` owns one), updated once per call on the loop thread; the
/// families for the shim's page are built only when it asks (`op: metrics`). `outcome` is one of
/// `TranslatorCore.UpstreamOutcome`'s few values.
///
/// Its per-request stored properties are `@exclusivity(unchecked)` (see `EventLoop`'s note on it).
package final class UpstreamMetrics {
    private struct UpstreamKey: Hashable {
        var endpoint: String
        var operation: String
        var outcome: String
    }

    /// A counter per key and a histogram per endpoint, in arrays the dictionaries index, so that a call can reuse the
    /// last call's slots: consecutive calls nearly always share endpoint, operation and outcome, and comparing the
    /// three strings (the same storage each time: the route's, a literal, an enum's raw value) cost a fraction of
    /// hashing them into two dictionaries on every call.
    @exclusivity(unchecked) private var callSlots: [UpstreamKey: Int] = [:]
    @exclusivity(unchecked) private var calls: [(key: UpstreamKey, count: Int)] = []
    @exclusivity(unchecked) private var latencySlots: [String: Int] = [:]
    @exclusivity(unchecked) private var latencies: [(endpoint: String, histogram: Histogram)] = []
    @exclusivity(unchecked) private var lastSlots: (call: Int, latency: Int)?

    package init() {}

    /// One finished SageMaker call. `seconds` runs to the response headers (for a stream: its start), or to
    /// the failure when none came. Endpoint names come from MODELS_FILE, so the label set is bounded.
    package func upstreamFinished(endpoint: String, operation: String, outcome: String, seconds: Double) {
        let key = UpstreamKey(endpoint: endpoint, operation: operation, outcome: outcome)
        let slots: (call: Int, latency: Int)
        if let last = lastSlots, calls[last.call].key == key {
            slots = last
        } else {
            slots = (callSlot(for: key), latencySlot(for: endpoint))
            lastSlots = slots
        }
        calls[slots.call].count += 1
        latencies[slots.latency].histogram.observe(seconds)
    }

    private func callSlot(for key: UpstreamKey) -> Int {
        if let slot = callSlots[key] { return slot }
        calls.append((key, 0))
        callSlots[key] = calls.count - 1
        return calls.count - 1
    }

    private func latencySlot(for endpoint: String) -> Int {
        if let slot = latencySlots[endpoint] { return slot }
        latencies.append((endpoint, Histogram(bounds: Histogram.latencyBounds)))
        latencySlots[endpoint] = latencies.count - 1
        return latencies.count - 1
    }

    package func families() -> [MetricFamily] {
        let sortedCalls = calls.sorted {
            ($0.key.endpoint, $0.key.operation, $0.key.outcome)
                < ($1.key.endpoint, $1.key.operation, $1.key.outcome)
        }
        return [
            MetricFamily(
                name: "gateway_upstream_requests_total", kind: .counter,
                help: "SageMaker calls by endpoint, operation and outcome (ok, throttled, model_error, timeout, "
                    + "connection_failure, error).",
                samples: sortedCalls.map {
                    MetricSample(
                        [
                            "endpoint": $0.key.endpoint, "operation": $0.key.operation,
                            "outcome": $0.key.outcome,
                        ],
                        Double($0.count))
                }),
            MetricFamily(
                name: "gateway_upstream_response_seconds", kind: .histogram,
                help: "Seconds from sending a SageMaker call to its response headers (a stream's start), by endpoint.",
                samples: latencies.sorted { $0.endpoint < $1.endpoint }.flatMap {
                    $0.histogram.samples(labels: [MetricLabel("endpoint", $0.endpoint)])
                }),
        ]
    }
}
