import GatewayMetrics
import Testing

@testable import GatewayWire

@Suite struct MetricsFrameTests {
    @Test func familiesRoundTripWithOrderLabelsAndNonFiniteValues() throws {
        var histogram = Histogram(bounds: [0.5])
        histogram.observe(0.25)
        let families = [
            MetricFamily(
                name: "h_seconds", kind: .histogram, help: "H \"quoted\"\nnext",
                samples: histogram.samples(labels: [MetricLabel("endpoint", "e\"1")])),
            MetricFamily(
                name: "g", kind: .gauge, help: "G",
                samples: [MetricSample(["z": "1", "a": "2"], .infinity), MetricSample([:], -.infinity)]),
            MetricFamily(name: "c_total", kind: .counter, help: "", samples: []),
        ]
        let frame = TranslatorMessage.metrics(families).frame()
        #expect(frame.kind == .metrics)
        #expect(try TranslatorMessage(frame: frame) == .metrics(families))
    }

    @Test func nanSurvivesAsNaN() throws {
        let frame = TranslatorMessage.metrics([
            MetricFamily(name: "n", kind: .gauge, help: "", samples: [MetricSample([:], .nan)])
        ]).frame()
        guard case .metrics(let decoded) = try TranslatorMessage(frame: frame) else {
            Issue.record("not a metrics message")
            return
        }
        #expect(decoded[0].samples[0].value.isNaN)
    }

    @Test func malformedFamiliesAreProtocolErrors() {
        for payload in [
            #"{"name":"x"}"#, #"[{"name":"x","type":"summary","samples":[]}]"#,
            #"[{"name":"x","type":"gauge","samples":[{"labels":{}}]}]"#,
            #"[{"name":"x","type":"gauge","samples":[{"labels":{"a":1},"value":1}]}]"#,
        ] {
            #expect(throws: FrameError.self) {
                try TranslatorMessage(frame: Frame(kind: .metrics, payload: Array(payload.utf8)))
            }
        }
    }

    @Test func theMetricsRequestNeedsNoKey() throws {
        let request = GatewayRequest(requestId: "metrics", apiKey: nil, operation: .metrics)
        #expect(String(decoding: request.frame().payload, as: UTF8.self) == #"{"id":"metrics","op":"metrics"}"#)
        #expect(try GatewayRequest(frame: request.frame()) == request)
    }
}
