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
}
