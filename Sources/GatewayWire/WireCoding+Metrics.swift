import GatewayMetrics

// The `metrics` frame: the translator's families as JSON, so the shim can merge same-named families
// (`process_*`) of both processes into one page. Values are JSON numbers; the rare non-finite one is
// Prometheus's spelling in a string (`"+Inf"`, `"NaN"`), which JSON numbers cannot carry.

extension MetricFamily {
    var wire: JSONValue {
        .object([
            ("name", .string(name)), ("type", .string(kind.rawValue)), ("help", .string(help)),
            ("samples", .array(samples.map(\.wire))),
        ])
    }

    init(wire: JSONValue) throws(FrameError) {
        guard let name = wire["name"]?.stringValue, let raw = wire["type"]?.stringValue,
            let kind = MetricFamily.Kind(rawValue: raw), let samples = wire["samples"]?.arrayValue
        else { throw FrameError.invalidPayload("metric family without name, known type or samples") }
        var decoded: [MetricSample] = []
        decoded.reserveCapacity(samples.count)
        for sample in samples { decoded.append(try MetricSample(wire: sample)) }
        self.init(name: name, kind: kind, help: wire["help"]?.stringValue ?? "", samples: decoded)
    }
}

extension MetricSample {
    var wire: JSONValue {
        var members: [(String, JSONValue)] = []
        if !suffix.isEmpty { members.append(("suffix", .string(suffix))) }
        members.append(("labels", .object(labels.map { ($0.name, .string($0.value)) })))
        members.append(("value", value.isFinite ? .double(value) : .string(PrometheusText.number(value))))
        return .object(members)
    }

    init(wire: JSONValue) throws(FrameError) {
        let value: Double
        switch wire["value"] {
        case .number(let text)?: value = Double(text) ?? .nan
        case .string("+Inf")?: value = .infinity
        case .string("-Inf")?: value = -.infinity
        case .string("NaN")?: value = .nan
        default: throw FrameError.invalidPayload("metric sample without value")
        }
        var labels: [MetricLabel] = []
        for (name, label) in wire["labels"]?.objectValue ?? [] {
            guard let text = label.stringValue else { throw FrameError.invalidPayload("label \(name) not a string") }
            labels.append(MetricLabel(name, text))
        }
        self.init(suffix: wire["suffix"]?.stringValue ?? "", labels: labels, value: value)
    }
}
