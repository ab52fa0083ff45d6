import Testing

@testable import GatewayMetrics

@Suite struct UpstreamMetricsTests {
    @Test func callsCountByEndpointOperationAndOutcomeWithOneLatencyHistogramPerEndpoint() throws {
        let metrics = UpstreamMetrics()
        metrics.upstreamFinished(endpoint: "b", operation: "InvokeEndpoint", outcome: "ok", seconds: 0.2)
        metrics.upstreamFinished(endpoint: "a", operation: "InvokeEndpoint", outcome: "timeout", seconds: 2)
        metrics.upstreamFinished(endpoint: "a", operation: "InvokeEndpoint", outcome: "timeout", seconds: 3)
        let families = metrics.families()
        #expect(families.map(\.name) == ["gateway_upstream_requests_total", "gateway_upstream_response_seconds"])
        #expect(
            families[0].samples == [
                MetricSample(["endpoint": "a", "operation": "InvokeEndpoint", "outcome": "timeout"], 2),
                MetricSample(["endpoint": "b", "operation": "InvokeEndpoint", "outcome": "ok"], 1),
            ])
        let counts = families[1].samples.filter { $0.suffix == "_count" }
        #expect(counts.map(\.labels) == [[MetricLabel("endpoint", "a")], [MetricLabel("endpoint", "b")]])
        #expect(counts.map(\.value) == [2, 1])
        #expect(families[1].samples.first { $0.suffix == "_sum" }?.value == 5)
    }

    /// Runs of the same key reuse the last call's slots; a change of key looks its slots up again. Counted against a
    /// plain dictionary over an interleaved sequence that takes both paths.
    @Test func runsAndChangesOfKeyCountAsADictionaryWould() throws {
        let metrics = UpstreamMetrics()
        let keys = [
            ("a", "InvokeEndpoint", "ok"), ("a", "InvokeEndpoint", "ok"), ("b", "InvokeEndpoint", "ok"),
            ("a", "InvokeEndpointWithResponseStream", "ok"), ("a", "InvokeEndpoint", "throttled"),
            ("a", "InvokeEndpoint", "ok"), ("b", "InvokeEndpoint", "ok"), ("b", "InvokeEndpoint", "ok"),
        ]
        var expected: [String: Double] = [:]
        var perEndpoint: [String: Double] = [:]
        for round in 0..<3 {
            for (index, key) in keys.enumerated() where (index + round) % 3 != 0 {
                metrics.upstreamFinished(endpoint: key.0, operation: key.1, outcome: key.2, seconds: 0.1)
                expected["\(key.0) \(key.1) \(key.2)", default: 0] += 1
                perEndpoint[key.0, default: 0] += 1
            }
        }
        let families = metrics.families()
        let counted = Dictionary(
            uniqueKeysWithValues: families[0].samples.map { ($0.labels.map(\.value).joined(separator: " "), $0.value) })
        #expect(counted == expected)
        let counts = families[1].samples.filter { $0.suffix == "_count" }
        #expect(counts.map(\.labels) == [[MetricLabel("endpoint", "a")], [MetricLabel("endpoint", "b")]])
        #expect(counts.map(\.value) == [perEndpoint["a"] ?? 0, perEndpoint["b"] ?? 0])
    }
}
