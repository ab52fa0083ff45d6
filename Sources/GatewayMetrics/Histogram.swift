/// A Prometheus histogram as a value: fixed upper bounds, one count per bucket (not cumulative: an
/// observation touches one slot), the sum and the count. `observe` scans a dozen bounds and allocates
/// nothing; the cumulative `_bucket` lines are made only when scraped.
package struct Histogram: Equatable, Sendable {
    package let bounds: [Double]
    private var counts: [UInt64]
    package private(set) var sum = 0.0
    package private(set) var count: UInt64 = 0

    /// `bounds` ascending; `+Inf` is implied.
    package init(bounds: [Double]) {
        self.bounds = bounds
        counts = Array(repeating: 0, count: bounds.count)
    }

    /// Seconds, from a fast first token to a long generation.
    package static let latencyBounds: [Double] = [
        0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300,
    ]

    package mutating func observe(_ value: Double) {
        count += 1
        sum += value
        for i in bounds.indices where value <= bounds[i] {
            counts[i] += 1
            return
        }
    }

    /// `_bucket` (cumulative, `le` last among the labels), `_sum` and `_count` samples.
    package func samples(labels: [MetricLabel]) -> [MetricSample] {
        var out: [MetricSample] = []
        out.reserveCapacity(bounds.count + 3)
        var cumulative: UInt64 = 0
        for (bound, n) in zip(bounds, counts) {
            cumulative += n
            out.append(
                MetricSample(
                    suffix: "_bucket", labels: labels + [MetricLabel("le", PrometheusText.number(bound))],
                    value: Double(cumulative)))
        }
        out.append(MetricSample(suffix: "_bucket", labels: labels + [MetricLabel("le", "+Inf")], value: Double(count)))
        out.append(MetricSample(suffix: "_sum", labels: labels, value: sum))
        out.append(MetricSample(suffix: "_count", labels: labels, value: Double(count)))
        return out
    }
}
