#if canImport(Glibc)
    import Glibc
#endif

/// One line per event on stderr, `level component message`, so ECS's awslogs driver keeps each as one record.
/// Never pass a secret here: callers log key hashes and credential sources, not values.
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
    }

    /// Set once at startup from LOG_LEVEL, before the loop runs; read on the loop thread only.
    nonisolated(unsafe) package static var threshold: Level = .info
    nonisolated(unsafe) package static var component = "gateway"

    package static func configure(component: String, level: String?) {
        self.component = component
        if let level, let parsed = Level(name: level) { threshold = parsed }
    }

    package static func trace(_ message: @autoclosure () -> String) { write(.trace, message) }
    package static func debug(_ message: @autoclosure () -> String) { write(.debug, message) }
    package static func info(_ message: @autoclosure () -> String) { write(.info, message) }
    package static func notice(_ message: @autoclosure () -> String) { write(.notice, message) }
    package static func warning(_ message: @autoclosure () -> String) { write(.warning, message) }
    package static func error(_ message: @autoclosure () -> String) { write(.error, message) }

    private static func write(_ level: Level, _ message: () -> String) {
        guard level >= threshold else { return }
        let line = "\(level.label) \(component) \(message())\n"
        var bytes = Array(line.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if n <= 0 { break }
                offset += n
            }
        }
    }
}
