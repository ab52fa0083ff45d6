import Testing

@testable import GatewayMetrics

@Suite struct ShimMetricsTests {
    func family(_ metrics: ShimMetrics, _ name: String) throws -> MetricFamily {
        try #require(metrics.families(translatorUp: true).first { $0.name == name })
    }

    @Test func aFinishedRequestCountsAndObservesByModel() throws {
        let metrics = ShimMetrics()
        metrics.requestFinished(
            route: "/v1/chat/completions", model: "m", status: 200, seconds: 0.3, firstToken: 0.02, tokens: 7,
            usage: (prompt: 5, completion: 6))
        metrics.requestFinished(
            route: "/v1/chat/completions", model: "m", status: 200, seconds: 0.4, firstToken: nil, tokens: 0,
            usage: nil)
        #expect(
            try family(metrics, "gateway_requests_total").samples == [
                MetricSample(["route": "/v1/chat/completions", "model": "m", "status": "200"], 2)
            ])
        let durations = try family(metrics, "gateway_request_duration_seconds").samples
        #expect(durations.last == MetricSample(suffix: "_count", labels: [MetricLabel("model", "m")], value: 2))
        let firstTokens = try family(metrics, "gateway_time_to_first_token_seconds").samples
        #expect(firstTokens.last == MetricSample(suffix: "_count", labels: [MetricLabel("model", "m")], value: 1))
        #expect(try family(metrics, "gateway_streamed_tokens_total").samples == [MetricSample(["model": "m"], 7)])
        #expect(
            try family(metrics, "gateway_usage_tokens_total").samples == [
                MetricSample(["model": "m", "type": "completion"], 6),
                MetricSample(["model": "m", "type": "prompt"], 5),
            ])
    }

    /// Requests that reached no model are counted, but observed nowhere by model.
    @Test func requestsWithoutAModelOnlyCount() throws {
        let metrics = ShimMetrics()
        metrics.requestFinished(route: "/ping", status: 200)
        metrics.requestFinished(
            route: "/v1/models", model: "none", status: 401, seconds: 0.1, firstToken: nil, tokens: 0, usage: nil)
        #expect(try family(metrics, "gateway_requests_total").samples.count == 2)
        #expect(try family(metrics, "gateway_request_duration_seconds").samples.isEmpty)
    }

    /// Requests sort by route, model and status whatever the order they finished in; usage saturates.
    @Test func countsSortAndUsageSaturates() throws {
        let metrics = ShimMetrics()
        for (route, model, status) in [
            ("/v1/embeddings", "b", 200), ("/v1/chat/completions", "b", 429), ("/v1/chat/completions", "a", 200),
            ("/v1/chat/completions", "b", 200), ("/v1/chat/completions", "b", 429),
        ] {
            metrics.requestFinished(
                route: route, model: model, status: status, seconds: 0.1, firstToken: nil, tokens: 0,
                usage: (prompt: Int.max, completion: -3))
        }
        metrics.requestFinished(route: "/ping", status: 200)
        #expect(
            try family(metrics, "gateway_requests_total").samples == [
                MetricSample(["route": "/ping", "model": "none", "status": "200"], 1),
                MetricSample(["route": "/v1/chat/completions", "model": "a", "status": "200"], 1),
                MetricSample(["route": "/v1/chat/completions", "model": "b", "status": "200"], 1),
                MetricSample(["route": "/v1/chat/completions", "model": "b", "status": "429"], 2),
                MetricSample(["route": "/v1/embeddings", "model": "b", "status": "200"], 1),
            ])
        #expect(
            try family(metrics, "gateway_usage_tokens_total").samples == [
                MetricSample(["model": "a", "type": "completion"], 0),
                MetricSample(["model": "a", "type": "prompt"], Double(Int.max)),
                MetricSample(["model": "b", "type": "completion"], 0),
                MetricSample(["model": "b", "type": "prompt"], Double(Int.max)),
            ])
        #expect(try family(metrics, "gateway_streamed_tokens_total").samples.isEmpty)
        #expect(try family(metrics, "gateway_time_to_first_token_seconds").samples.isEmpty)
    }

    @Test func modelLabelsAreCapped() {
        let metrics = ShimMetrics()
        for i in 0..<ShimMetrics.maxModelLabels { #expect(metrics.modelLabel("m\(i)") == "m\(i)") }
        #expect(metrics.modelLabel("one-too-many") == "other")
        #expect(metrics.modelLabel("m0") == "m0")
    }

    @Test func routeLabelsAreServedPathsOrOther() {
        #expect(ShimMetrics.routeLabel("/v1/chat/completions") == "/v1/chat/completions")
        #expect(ShimMetrics.routeLabel("/v1/chat/completions/x") == "other")
        #expect(ShimMetrics.routeLabel("/v1/models/secret-looking-id") == "other")
    }

    @Test func startedStreamedAndEndedRequestsMoveTheGauges() {
        let metrics = ShimMetrics()
        metrics.requestStarted()
        metrics.requestStarted()
        metrics.streamOpened()
        #expect((metrics.inFlight, metrics.openStreams) == (2, 1))
        metrics.requestEnded(wasStreaming: true)
        #expect((metrics.inFlight, metrics.openStreams) == (1, 0))
        metrics.requestEnded(wasStreaming: false)
        #expect((metrics.inFlight, metrics.openStreams) == (0, 0))
    }

    @Test func gaugesAndTranslatorState() throws {
        let metrics = ShimMetrics()
        metrics.openStreams = 2
        metrics.translatorError("lost")
        let families = metrics.families(translatorUp: false)
        #expect(families.first { $0.name == "gateway_open_streams" }?.samples == [MetricSample([:], 2)])
        #expect(families.first { $0.name == "gateway_translator_up" }?.samples == [MetricSample([:], 0)])
        #expect(
            families.first { $0.name == "gateway_translator_errors_total" }?.samples == [
                MetricSample(["reason": "lost"], 1), MetricSample(["reason": "unreachable"], 0),
            ])
    }
}
