import Testing

@testable import GatewayMetrics

/// The exposition text byte for byte, against the format's rules:
/// https://prometheus.io/docs/instrumenting/exposition_formats/#text-format-details
@Suite struct PrometheusTextTests {
    @Test func counterAndGaugeWithLabels() {
        let families = [
            MetricFamily(
                name: "gateway_requests_total", kind: .counter, help: "Requests.",
                samples: [
                    MetricSample(["route": "/v1/chat/completions", "model": "m", "status": "200"], 3),
                    MetricSample(["route": "/ping", "model": "none", "status": "200"], 12),
                ]),
            MetricFamily(name: "gateway_open_streams", kind: .gauge, help: "Open.", samples: [MetricSample([:], 0)]),
        ]
        #expect(
            PrometheusText.render(families)
                == """
                # HELP gateway_requests_total Requests.
                # TYPE gateway_requests_total counter
                gateway_requests_total{route="/v1/chat/completions",model="m",status="200"} 3
                gateway_requests_total{route="/ping",model="none",status="200"} 12
                # HELP gateway_open_streams Open.
                # TYPE gateway_open_streams gauge
                gateway_open_streams 0

                """)
    }

    @Test func histogramBucketsAreCumulativeWithInfSumAndCount() {
        var h = Histogram(bounds: [0.5, 1])
        for v in [0.25, 0.5, 0.75, 7] { h.observe(v) }
        let family = MetricFamily(
            name: "d_seconds", kind: .histogram, help: "D.", samples: h.samples(labels: [MetricLabel("model", "m")]))
        #expect(
            PrometheusText.render([family])
                == """
                # HELP d_seconds D.
                # TYPE d_seconds histogram
                d_seconds_bucket{model="m",le="0.5"} 2
                d_seconds_bucket{model="m",le="1"} 3
                d_seconds_bucket{model="m",le="+Inf"} 4
                d_seconds_sum{model="m"} 8.5
                d_seconds_count{model="m"} 4

                """)
    }

    @Test func emptyHistogramHasZeroBuckets() {
        let samples = Histogram(bounds: [1]).samples(labels: [])
        #expect(samples.map(\.value) == [0, 0, 0, 0])
        #expect(samples.map(\.suffix) == ["_bucket", "_bucket", "_sum", "_count"])
    }

    @Test func escapesLabelValuesAndHelp() {
        let family = MetricFamily(
            name: "x", kind: .gauge, help: "back\\slash\nnewline \"quotes stay\"",
            samples: [MetricSample(["model": "a\"b\\c\nd"], 1)])
        #expect(
            PrometheusText.render([family])
                == "# HELP x back\\\\slash\\nnewline \"quotes stay\"\n# TYPE x gauge\nx{model=\"a\\\"b\\\\c\\nd\"} 1\n")
    }

    @Test func numbers() {
        #expect(PrometheusText.number(3) == "3")
        #expect(PrometheusText.number(-2) == "-2")
        #expect(PrometheusText.number(0.005) == "0.005")
        #expect(PrometheusText.number(1e-6) == "1e-06")
        #expect(PrometheusText.number(2.5e15) == "2500000000000000.0")
        #expect(PrometheusText.number(1e300) == "1e+300")
        #expect(PrometheusText.number(.infinity) == "+Inf")
        #expect(PrometheusText.number(-.infinity) == "-Inf")
        #expect(PrometheusText.number(.nan) == "NaN")
    }

    @Test func mergingKeepsOneFamilyPerNameInFirstAppearanceOrder() {
        let shim = ProcessStats(residentBytes: 1, cpuSeconds: 2, openFDs: 3, maxFDs: 4).families(process: "httpshim")
        let translator = ProcessStats(residentBytes: 5, cpuSeconds: 6, openFDs: 7, maxFDs: 8).families(
            process: "translator")
        let other = MetricFamily(name: "a", kind: .gauge, help: "A.", samples: [MetricSample([:], 1)])
        let merged = MetricFamily.merged([other] + shim + translator)
        #expect(merged.map(\.name) == ["a"] + shim.map(\.name))
        #expect(merged[1].samples.map(\.value) == [1, 5])
        #expect(merged[1].samples.map { $0.labels[0].value } == ["httpshim", "translator"])
        let text = PrometheusText.render(merged)
        #expect(text.split(separator: "\n").filter { $0 == "# TYPE process_open_fds gauge" }.count == 1)
    }
}
