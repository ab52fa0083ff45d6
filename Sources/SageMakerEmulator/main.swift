import EventLoop
import FoundationEssentials
import GatewayLog

#if canImport(Glibc)
    import Glibc
#endif

/// A local stand-in for Amazon SageMaker Runtime, Secrets Manager and the ECS credentials endpoint, so the
/// gateway runs and is tested without an AWS account. Run with `--help` for the flags.
Log.configure(
    component: "sagemaker-emulator", level: ProcessInfo.processInfo.environment["LOG_LEVEL"],
    format: ProcessInfo.processInfo.environment["LOG_FORMAT"])

// `--check` is the compose health check (HealthCheck.swift): probe the running emulator, do not start one.
if CommandLine.arguments.dropFirst().contains("--check") {
    let flags = CommandLine.arguments.dropFirst().filter { $0 != "--check" }
    exit(runEmulatorHealthCheck(arguments: flags, environment: ProcessInfo.processInfo.environment))
}

let config: EmulatorConfig
do {
    config = try EmulatorConfig.parse(
        arguments: Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)
} catch {
    fputs("\(error)\n", stderr)
    exit(2)
}

ignoreSIGPIPE()
do {
    let loop = try EventLoop()
    let emulator = Emulator(loop: loop, config: config)
    let server = try HTTPServer(
        loop: loop, host: config.host, port: config.port, maxBodyBytes: config.maxBodyBytes,
        handler: { emulator.handle($0) }, bodyTooLarge: { emulator.bodyTooLarge($0) })
    emulator.server = server
    let stop = { loop.stop() }
    let watchers = [
        try SignalWatcher(loop: loop, signal: SIGTERM, handler: stop),
        try SignalWatcher(loop: loop, signal: SIGINT, handler: stop),
    ]
    // Tests read the port from this first line, so it goes out before anything else and is flushed.
    print("LISTENING \(server.port)")
    fflush(stdout)
    Log.info(
        "listening on \(config.host):\(server.port), region \(config.region), endpoints \(config.endpoints.joined(separator: ",")), "
            + "served model \(config.servedModel), \(config.secrets.count) secret(s)")
    loop.run()
    withExtendedLifetime((server, watchers, emulator)) {}
    Log.info("stopped")
} catch {
    Log.error("cannot start: \(error)")
    exit(1)
}
