import EventLoop
import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// `sagemaker-emulator --check [flags]`: GETs `/ping` on the host and port the same flags and
/// `EMULATOR_*` variables would make the emulator listen on; exit 0 when it answers 200, else 1.
/// docker-compose uses it as the emulator's healthcheck.
func runEmulatorHealthCheck(arguments: [String], environment: [String: String], timeout: Double = 2) -> Int32 {
    func unhealthy(_ message: String) -> Int32 {
        fputs("unhealthy: \(message)\n", stderr)
        return 1
    }
    let config: EmulatorConfig
    do {
        config = try EmulatorConfig.parse(arguments: arguments, environment: environment)
    } catch {
        return unhealthy("\(error)")
    }
    guard config.port != 0 else {
        return unhealthy("an ephemeral port (0) cannot be probed; give --port or EMULATOR_PORT")
    }
    let host = HealthProbe.probeHost(forListenHost: config.host)
    do {
        let status = try HealthProbe.httpStatus(host: host, port: config.port, path: "/ping", timeout: timeout)
        guard status == 200 else { return unhealthy("GET /ping on \(host):\(config.port) answered \(status)") }
        print("healthy: GET /ping on \(host):\(config.port) answered 200")
        return 0
    } catch {
        return unhealthy("GET /ping on \(host):\(config.port): \(HealthProbe.describe(error))")
    }
}
