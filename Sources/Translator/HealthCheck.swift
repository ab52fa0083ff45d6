import EventLoop
import FoundationEssentials
import GatewayWire
import TranslatorCore

#if canImport(Glibc)
    import Glibc
#endif

/// `translator --check`: the container health check. Connects to `TRANSLATOR_SOCKET`, sends the
/// same `health` request the shim's `/health` sends, and exits 0 when the translator answers
/// ready, 1 otherwise (no listener, a stale socket file, draining, no answer within `timeout`).
///
/// It reads only the socket path, not the whole configuration: a health check must not fail
/// because, say, Secrets Manager is slow, and the process it probes has already validated the rest.
func runTranslatorHealthCheck(environment: [String: String], timeout: Double = 2) -> Int32 {
    func unhealthy(_ message: String) -> Int32 {
        fputs("unhealthy: \(message)\n", stderr)
        return 1
    }
    let configured = environment["TRANSLATOR_SOCKET"] ?? ""
    let path = configured.isEmpty ? TranslatorConfig.defaultSocketPath : configured
    let request = GatewayRequest(requestId: "healthcheck-\(getpid())", apiKey: nil, operation: .health)
    do {
        let connection = try ProbeConnection.unix(path: path, timeout: timeout)
        var frame = request.frame()
        frame.stream = 1
        try connection.send(frame.encoded())
        var decoder = FrameDecoder()
        while true {
            if let frame = try decoder.decode() {
                // Heartbeats (the acknowledgement, the connection's own) come before the answer.
                if frame.kind == .heartbeat || frame.stream != 1 { continue }
                guard case .health(let status) = try TranslatorMessage(frame: frame) else {
                    return unhealthy("\(path) answered a \(frame.kind) frame instead of health")
                }
                guard status.ready else { return unhealthy("translator not ready: \(status.detail)") }
                print("healthy: translator on \(path): \(status.detail)")
                return 0
            }
            let bytes = try connection.receive()
            if bytes.isEmpty { return unhealthy("\(path) closed the connection without answering") }
            decoder.append(bytes)
        }
    } catch {
        return unhealthy("\(path): \(HealthProbe.describe(error))")
    }
}
