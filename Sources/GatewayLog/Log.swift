#if canImport(Glibc)
    import Glibc
#endif

/// One line per event on stderr, so ECS's awslogs driver (and Kubernetes') keeps each as one record:
/// - `LOG_FORMAT=json`: one JSON object, `{"ts","level","component","msg", <fields>}`, fields at the top
///   level so CloudWatch Logs Insights discovers them (`filter request_id = "…"`);
/// - `LOG_FORMAT=text` (the default for local runs, easier on the eye): `LEVEL component [request_id] msg k=v`.
///
/// Why not swift-log: its `Logger` is the standard API for libraries that log, and its levels and metadata
/// are what these calls mirror (`fields` ≈ metadata, `component` ≈ label), so moving to it later is
/// mechanical. But both executables are single-threaded libevent loops that never host a library that
/// logs through swift-log, the one thing it would add is a handler we would write anyway (this JSON line),
/// and its metadata dictionary and boxed handler cost more per call than this; so this stays a small
/// enum with no dependency.
///
/// Never pass a secret here, as message or field: callers log key fingerprints and credential sources.
package enum Log {
    package enum Level: Int, Comparable, Sendable {
        case trace, debug, info, notice, warning, error

        package init?(name: String) {
            switch name.lowercased() {
            case "trace": self = .trace
            case "debug": self = .debug
            case "info": self = .info
            case "notice": self = .notice
            case "warning", "warn": self = .warning
            case "error": self = .error
            default: return nil
            }
        }

        package static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }

        var label: String {
            switch self {
            case .trace: return "TRACE"
            case .debug: return "DEBUG"
            case .info: return "INFO"
            case .notice: return "NOTICE"
            case .warning: return "WARN"
            case .error: return "ERROR"
            }
        }

        var name: String {
            switch self {
            case .trace: return "trace"
            case .debug: return "debug"
            case .info: return "info"
            case .notice: return "notice"
            case .warning: return "warning"
            case .error: return "error"
            }
        }
    }

    package enum Format: String, Sendable {
        case text, json
    }

    /// Set once at startup, before the loop runs; read on the loop thread only. Unchecked: nothing runs during
    /// a read of it, and the runtime check was the last one left on the shim's request path. Another module's
    /// read is checked whatever the attribute, so those ask `logs(_:)`.
    @exclusivity(unchecked) nonisolated(unsafe) package static var threshold: Level = .info
    nonisolated(unsafe) package static var component = "gateway"
    nonisolated(unsafe) package static var format = Format.text

    /// Returns a message for the caller to log and refuse to start with when `LOG_FORMAT` is not a format.
    @discardableResult
    package static func configure(component: String, level: String?, format: String? = nil) -> String? {
        self.component = component
        if let level, let parsed = Level(name: level) { threshold = parsed }
        guard let format, !format.isEmpty else { return nil }
        guard let parsed = Format(rawValue: format.lowercased()) else {
            return "LOG_FORMAT must be json or text, got \(format)"
        }
        self.format = parsed
        return nil
    }

    package typealias Fields = KeyValuePairs<String, String>

    /// Whether a line at `level` would be written: callers building costly fields ask first.
    package static func logs(_ level: Level) -> Bool {
        level >= threshold
    }

    package static func trace(_ message: @autoclosure () -> String, _ fields: Fields = [:]) {
        write(.trace, message, fields)
    }
    package static func debug(_ message: @autoclosure () -> String, _ fields: Fields = [:]) {
        write(.debug, message, fields)
    }
    package static func info(_ message: @autoclosure () -> String, _ fields: Fields = [:]) {
        write(.info, message, fields)
    }
    package static func notice(_ message: @autoclosure () -> String, _ fields: Fields = [:]) {
        write(.notice, message, fields)
    }
    package static func warning(_ message: @autoclosure () -> String, _ fields: Fields = [:]) {
        write(.warning, message, fields)
    }
    package static func error(_ message: @autoclosure () -> String, _ fields: Fields = [:]) {
        write(.error, message, fields)
    }

    private static func write(_ level: Level, _ message: () -> String, _ fields: Fields) {
        guard level >= threshold else { return }
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var bytes = Array(
            line(level: level, component: component, message: message(), fields: fields, format: format, time: ts)
                .utf8)
        bytes.withUnsafeMutableBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(2, base + offset, buffer.count - offset)
                if n <= 0 { break }
                offset += n
            }
        }
    }

    /// One whole line, newline included (pure, for tests).
    package static func line(
        level: Level, component: String, message: String, fields: Fields, format: Format, time: timespec
    ) -> String {
        switch format {
        case .text:
            var out = "\(level.label) \(component) "
            for (name, value) in fields where name == "request_id" { out += value + " " }
            out += message
            for (name, value) in fields where name != "request_id" { out += " \(name)=\(value)" }
            return out + "\n"
        case .json:
            var out = "{\"ts\":\"\(timestamp(time))\",\"level\":\"\(level.name)\",\"component\":"
            appendJSONString(component, to: &out)
            out += ",\"msg\":"
            appendJSONString(message, to: &out)
            for (name, value) in fields {
                out += ","
                appendJSONString(name, to: &out)
                out += ":"
                appendJSONString(value, to: &out)
            }
            return out + "}\n"
        }
    }

    /// RFC 3339 UTC with milliseconds, `2026-11-29T17:46:15.123Z`.
    package static func timestamp(_ time: timespec) -> String {
        var seconds = time.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ n: Int32, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))"
            + "T\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))"
            + ".\(pad(Int32(time.tv_nsec / 1_000_000), 3))Z"
    }

    /// RFC 8259 string escaping (quote, backslash, control characters); other text passes as UTF-8.
    private static func appendJSONString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
