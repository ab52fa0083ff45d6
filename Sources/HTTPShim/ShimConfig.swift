import EventLoop

/// The shim's configuration from the environment (names fixed by docs/design.md).
struct ShimConfig {
    var host = "0.0.0.0"
    var port = 8080
    var maxBodyBytes = 8 << 20
    var socketPath = "/run/gateway/translator.sock"
    var logLevel: String?
    /// While a stream waits for its first token (or between tokens), an SSE comment goes out this
    /// often so ALB's 60 s idle timeout does not cut it.
    var keepAliveSeconds = 15.0
    var drainSeconds = 30.0
    /// Header size and time limits, idle keep-alive timeout and the connection cap (hardening).
    var limits = HTTPLimits()
    /// How long the translator may take to acknowledge a request, and to stay silent afterwards.
    var translatorTimeouts = TranslatorCall.Timeouts()
    /// `METRICS_PORT`: the Prometheus page's own port; unset, no page. Never the same as `PORT`, so the
    /// load balancer's target group (which forwards `PORT`) cannot expose it.
    var metricsPort: Int?
    var metricsHost = "0.0.0.0"

    static func load(_ env: [String: String]) -> Result<ShimConfig, ShimConfigError> {
        var c = ShimConfig()
        func value(_ name: String) -> String? {
            guard let v = env[name], !v.isEmpty else { return nil }
            return v
        }
        if let h = value("HOST") { c.host = h }
        if let p = value("PORT") {
            guard let port = Int(p), (0...65535).contains(port) else {
                return .failure(ShimConfigError(message: "PORT must be a port number, got \(p)"))
            }
            c.port = port
        }
        if let m = value("MAX_BODY_BYTES") {
            guard let n = Int(m), n > 0 else {
                return .failure(ShimConfigError(message: "MAX_BODY_BYTES must be a positive number of bytes, got \(m)"))
            }
            c.maxBodyBytes = n
        }
        if let s = value("TRANSLATOR_SOCKET") { c.socketPath = s }
        if let p = value("METRICS_PORT") {
            guard let port = Int(p), (0...65535).contains(port) else {
                return .failure(ShimConfigError(message: "METRICS_PORT must be a port number, got \(p)"))
            }
            guard port == 0 || port != c.port else {
                return .failure(
                    ShimConfigError(
                        message: "METRICS_PORT must differ from PORT (\(c.port)): metrics stay off the public port"))
            }
            c.metricsPort = port
        }
        if let h = value("METRICS_HOST") { c.metricsHost = h }
        c.logLevel = value("LOG_LEVEL")
        if let k = value("KEEPALIVE_SECONDS") {
            guard let n = Double(k), n > 0 else {
                return .failure(ShimConfigError(message: "KEEPALIVE_SECONDS must be a positive number, got \(k)"))
            }
            c.keepAliveSeconds = n
        }
        if let d = value("DRAIN_TIMEOUT_SECONDS"), let n = Double(d), n >= 0 { c.drainSeconds = n }
        func positiveInt(_ name: String) -> Result<Int?, ShimConfigError> {
            guard let v = value(name) else { return .success(nil) }
            guard let n = Int(v), n > 0 else {
                return .failure(ShimConfigError(message: "\(name) must be a positive whole number, got \(v)"))
            }
            return .success(n)
        }
        func positiveSeconds(_ name: String) -> Result<Double?, ShimConfigError> {
            guard let v = value(name) else { return .success(nil) }
            guard let n = Double(v), n > 0, n.isFinite else {
                return .failure(ShimConfigError(message: "\(name) must be a positive number of seconds, got \(v)"))
            }
            return .success(n)
        }
        do {
            if let n = try positiveInt("MAX_HEADER_BYTES").get() { c.limits.maxHeaderBytes = n }
            if let n = try positiveInt("MAX_CONNECTIONS").get() { c.limits.maxConnections = n }
            if let n = try positiveInt("MAX_PENDING_BODY_BYTES").get() { c.limits.maxPendingBodyBytes = n }
            if let n = try positiveSeconds("HEADER_TIMEOUT_SECONDS").get() { c.limits.headerTimeoutSeconds = n }
            if let n = try positiveSeconds("IDLE_TIMEOUT_SECONDS").get() { c.limits.idleTimeoutSeconds = n }
            if let n = try positiveSeconds("TRANSLATOR_ACK_TIMEOUT_SECONDS").get() {
                c.translatorTimeouts.ackTimeout = n
            }
            if let n = try positiveSeconds("STREAM_IDLE_TIMEOUT_SECONDS").get() { c.translatorTimeouts.idleTimeout = n }
        } catch {
            return .failure(error)
        }
        return .success(c)
    }
}

struct ShimConfigError: Error {
    var message: String
}
