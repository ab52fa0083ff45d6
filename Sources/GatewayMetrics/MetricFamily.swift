/// One metric family of Prometheus's data model: a name, its type and help, and its samples.
/// https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
///
/// Families are built only when a scrape asks for them, from the plain counters each process keeps,
/// so nothing here runs per request or per token.
package struct MetricFamily: Equatable, Sendable {
    package enum Kind: String, Sendable {
        case counter, gauge, histogram
    }

    package var name: String
    package var kind: Kind
    package var help: String
    package var samples: [MetricSample]

    package init(name: String, kind: Kind, help: String, samples: [MetricSample] = []) {
        self.name = name
        self.kind = kind
        self.help = help
        self.samples = samples
    }

    /// Families of the same name from both processes become one (exposition wants each name once, its
    /// samples together); the first one's type and help stand. Order is first appearance.
    package static func merged(_ families: [MetricFamily]) -> [MetricFamily] {
        var out: [MetricFamily] = []
        var index: [String: Int] = [:]
        for family in families {
            if let i = index[family.name] {
                out[i].samples += family.samples
            } else {
                index[family.name] = out.count
                out.append(family)
            }
        }
        return out
    }
}

/// One line of a family: `suffix` is `_bucket`, `_sum` or `_count` for histogram parts, else empty.
package struct MetricSample: Equatable, Sendable {
    package var suffix: String
    package var labels: [MetricLabel]
    package var value: Double

    package init(suffix: String = "", labels: [MetricLabel] = [], value: Double) {
        self.suffix = suffix
        self.labels = labels
        self.value = value
    }

    package init(_ labels: KeyValuePairs<String, String>, _ value: Double) {
        self.init(labels: labels.map { MetricLabel($0.key, $0.value) }, value: value)
    }
}

package struct MetricLabel: Equatable, Sendable {
    package var name: String
    package var value: String

    package init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}
