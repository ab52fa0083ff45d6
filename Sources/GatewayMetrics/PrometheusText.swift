/// Prometheus's text exposition format, version 0.0.4: `# HELP`, `# TYPE`, then one line per sample.
/// https://prometheus.io/docs/instrumenting/exposition_formats/#text-format-details
///
/// Written here rather than taken from swift-prometheus (with swift-metrics): that library keeps each
/// metric behind a lock or atomics and finds it by name and label dictionary on every update, and brings
/// swift-atomics and swift-metrics into both executables. Here each process runs on one libevent thread,
/// so plain structs updated once per request (never per token) are enough, and the format itself is a
/// page of code, checked byte for byte by `PrometheusTextTests` and by prometheus_client's parser in the
/// integration tests.
package enum PrometheusText {
    package static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    package static func render(_ families: [MetricFamily]) -> String {
        var out = ""
        out.reserveCapacity(families.count * 256)
        for family in families {
            out += "# HELP \(family.name) \(escapeHelp(family.help))\n"
            out += "# TYPE \(family.name) \(family.kind.rawValue)\n"
            for sample in family.samples {
                out += family.name
                out += sample.suffix
                if !sample.labels.isEmpty {
                    out += "{"
                    for (i, label) in sample.labels.enumerated() {
                        if i > 0 { out += "," }
                        out += "\(label.name)=\"\(escapeLabelValue(label.value))\""
                    }
                    out += "}"
                }
                out += " \(number(sample.value))\n"
            }
        }
        return out
    }

    /// Whole numbers without a fraction (counters read naturally), the rest in Swift's shortest
    /// round-tripping form (`0.005`, `1e-06`, which Go's ParseFloat reads), and Prometheus's spellings
    /// of the non-finite values.
    package static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        if abs(value) < 1e15, let exact = Int64(exactly: value) { return String(exact) }
        return "\(value)"
    }

    /// Label values escape backslash, double quote and line feed.
    package static func escapeLabelValue(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == 0x5C || $0 == 0x22 || $0 == 0x0A }) else { return s }
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// Help text escapes backslash and line feed only.
    package static func escapeHelp(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
