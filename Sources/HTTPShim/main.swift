import EventLoop
import FoundationEssentials
import GatewayLog

#if canImport(Glibc)
    import Glibc
#endif

/// httpshim: the OpenAI-facing HTTP server. Everything AWS lives in the translator.
func runShim() -> Int32 {
    let env = ProcessInfo.processInfo.environment
    if let problem = Log.configure(component: "httpshim", level: env["LOG_LEVEL"], format: env["LOG_FORMAT"]) {
        Log.error("refusing to start: \(problem)")
        return 2
    }
    let config: ShimConfig
    switch ShimConfig.load(env) {
    case .success(let c): config = c
    case .failure(let error):
        Log.error("refusing to start: \(error.message)")
        return 2
    }
    ignoreSIGPIPE()
    let fileLimit = FileDescriptorLimit.raiseToHardLimit()
    do {
        let loop = try EventLoop(batchingEpollChanges: true)
        let shim = Shim(config: config, loop: loop)
        let port = try shim.start()
        let term = try SignalWatcher(loop: loop, signal: SIGTERM) { shim.drain() }
        let int = try SignalWatcher(loop: loop, signal: SIGINT) { shim.drain() }
        // SIGHUP reloads the translator's MODELS_FILE; one sent to the whole task must not kill the shim.
        let hup = try SignalWatcher(loop: loop, signal: SIGHUP) {
            Log.info("SIGHUP: the shim has nothing to reload (MODELS_FILE is the translator's)")
        }
        Log.info(
            "listening on http://\(config.host):\(port); translator socket \(config.socketPath); "
                + "open-file limit \(fileLimit), at most \(shim.maxConnections) connections"
                + (shim.metricsPort.map { "; metrics on http://\(config.metricsHost):\($0)/metrics" } ?? ""))
        loop.run()
        withExtendedLifetime((term, int, hup, shim)) {}
        return 0
    } catch {
        Log.error("cannot start: \(error)")
        return 1
    }
}

// `--check` is the container health check (HealthCheck.swift): probe the running shim, do not start one.
if CommandLine.arguments.dropFirst().contains("--check") {
    exit(runShimHealthCheck(environment: ProcessInfo.processInfo.environment))
}
exit(runShim())
