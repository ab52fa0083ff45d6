import EventLoop
import FoundationEssentials
import GatewayLog
import TranslatorCore

#if canImport(Glibc)
    import Glibc
#endif

/// The translator: owns AWS credentials, the API-key cache and every SageMaker call; speaks frames to
/// the shim over a Unix socket.
func runTranslator() -> Int32 {
    let env = ProcessInfo.processInfo.environment
    if let problem = Log.configure(component: "translator", level: env["LOG_LEVEL"], format: env["LOG_FORMAT"]) {
        Log.error("refusing to start: \(problem)")
        return 2
    }
    let arguments = CommandLine.arguments.dropFirst()
    let config: TranslatorConfig
    let readFile: (String) -> [UInt8]? = { path in FileManager.default.contents(atPath: path).map { Array($0) } }
    switch TranslatorConfig.load(environment: env, now: Int(Date().timeIntervalSince1970), readFile: readFile) {
    case .success(let c): config = c
    case .failure(let error):
        Log.error("refusing to start: \(error.message)")
        return 2
    }
    if arguments.contains("--check-config") {
        print("configuration ok")
        return 0
    }
    ignoreSIGPIPE()
    let fileLimit = FileDescriptorLimit.raiseToHardLimit()
    do {
        let loop = try EventLoop()
        let server = try TranslatorServer(config: config, loop: loop)
        try server.start()
        let drainSeconds = Double(env["DRAIN_TIMEOUT_SECONDS"] ?? "") ?? 30
        let term = try SignalWatcher(loop: loop, signal: SIGTERM) { server.drain(timeout: drainSeconds) }
        let int = try SignalWatcher(loop: loop, signal: SIGINT) { server.drain(timeout: drainSeconds) }
        let hup = try SignalWatcher(loop: loop, signal: SIGHUP) {
            server.reloadModels(readFile: readFile, now: Int(Date().timeIntervalSince1970))
        }
        Log.info(
            "listening on \(config.socketPath); region \(config.region); SageMaker at \(config.sagemakerEndpoint.url(path: "")); "
                + "credentials from \(config.credentialSource.logDescription); "
                + "API keys: \(config.authSecretId != nil ? "Secrets Manager secret" : "") \(config.staticAPIKeys.isEmpty ? "" : "\(config.staticAPIKeys.count) static")"
                + (config.allowUnauthenticated ? " (ALLOW_UNAUTHENTICATED=1)" : "") + "; open-file limit \(fileLimit)")
        loop.run()
        withExtendedLifetime((term, int, hup, server)) {}
        return 0
    } catch {
        Log.error("cannot start: \(error)")
        return 1
    }
}

// `--check` is the container health check (HealthCheck.swift): probe the running translator, do not start one.
if CommandLine.arguments.dropFirst().contains("--check") {
    exit(runTranslatorHealthCheck(environment: ProcessInfo.processInfo.environment))
}
exit(runTranslator())
