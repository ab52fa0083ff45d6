import EventLoop
import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// `httpshim --check`: the container health check. GETs `/ping` on the shim's own `HOST`/`PORT`
/// (a wildcard `HOST` through loopback) and answers with the exit status Docker's HEALTHCHECK and
/// ECS's `healthCheck` read: 0 healthy, 1 not. Blocking and curl-free, so the runtime image needs
/// neither curl nor a shell.
func runShimHealthCheck(environment: [String: String], timeout: Double = 2) -> Int32 {
    let config: ShimConfig
    switch ShimConfig.load(environment) {
    case .success(let c): config = c
    case .failure(let error):
        printToStandardError("unhealthy: \(error.message)\n")
        return 1
    }
    let host = HealthProbe.probeHost(forListenHost: config.host)
    do {
        let status = try HealthProbe.httpStatus(host: host, port: config.port, path: "/ping", timeout: timeout)
        guard status == 200 else {
            printToStandardError("unhealthy: GET /ping on \(host):\(config.port) answered \(status)\n")
            return 1
        }
        print("healthy: GET /ping on \(host):\(config.port) answered 200")
        return 0
    } catch {
        printToStandardError("unhealthy: GET /ping on \(host):\(config.port): \(HealthProbe.describe(error))\n")
        return 1
    }
}

/// The check's one line of diagnosis, on stderr where Docker and ECS keep it.
private func printToStandardError(_ text: String) {
    fputs(text, stderr)
}
