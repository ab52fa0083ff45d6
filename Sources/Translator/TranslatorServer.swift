import CurlMulti
import EventLoop
import GatewayLog
import GatewayMetrics
import GatewayWire
import TranslatorCore

/// The translator's process state: the socket listener, the shim's connections, and the shared services
/// (credentials, API keys, curl). SIGTERM stops accepting and waits for live sessions to finish.
///
/// Its per-request stored properties are `@exclusivity(unchecked)` (see `EventLoop`'s note on it); `config` is
/// replaced only from the SIGHUP handler, on the loop thread.
final class TranslatorServer {
    /// Replaced only by `reloadModels` (SIGHUP); a session reads the routing table once, when its
    /// request arrives, so requests in flight keep the route they started with.
    @exclusivity(unchecked) private(set) var config: TranslatorConfig
    let loop: EventLoop
    let curl: CurlMulti
    let credentials: CredentialsManager
    let keys: APIKeyService
    let bearerTokens: BearerTokenProvider
    let metrics = UpstreamMetrics()
    /// The process's clock, handed to every service that reads the time.
    let clock: GatewayClock
    private var listener: UnixListener?
    private var connections: [ObjectIdentifier: ShimConnection] = [:]
    /// Exchanges in flight, over all connections.
    @exclusivity(unchecked) private(set) var sessionCount = 0
    @exclusivity(unchecked) private(set) var isDraining = false
    private var drainTimer: Timer?
    /// Closed connections whose last frames are still queued toward the shim.
    private var flushing = 0

    init(config: TranslatorConfig, loop: EventLoop, clock: GatewayClock = .system) throws {
        self.config = config
        self.loop = loop
        self.clock = clock
        curl = try CurlMulti(loop: loop)
        credentials = CredentialsManager(
            source: config.credentialSource, region: config.region, stsEndpoint: config.stsEndpoint, curl: curl,
            clock: clock)
        bearerTokens = BearerTokenProvider(region: config.region, credentials: credentials, clock: clock)
        keys = APIKeyService(config: config, credentials: credentials, curl: curl, loop: loop, clock: clock)
    }

    func start() throws {
        listener = try UnixListener(loop: loop, path: config.socketPath) { [weak self] connection in
            self?.accept(connection)
        }
    }

    var health: HealthStatus {
        HealthStatus(ready: !isDraining, detail: isDraining ? "draining" : "ok")
    }

    private func accept(_ connection: StreamConnection) {
        guard !isDraining else {
            connection.close()
            return
        }
        let shim = ShimConnection(connection: connection, server: self)
        connections[ObjectIdentifier(shim)] = shim
    }

    func sessionStarted() {
        sessionCount += 1
    }

    func sessionEnded() {
        sessionCount -= 1
        stopIfDrained()
    }

    func connectionClosed(_ connection: ShimConnection) {
        connections[ObjectIdentifier(connection)] = nil
        stopIfDrained()
    }

    /// Closes a connection once its last frames are out, counting it meanwhile.
    func closeAfterFlush(_ connection: StreamConnection) {
        flushing += 1
        connection.closeAfterFlush { [weak self] in
            guard let self else { return }
            self.flushing -= 1
            self.stopIfDrained()
        }
    }

    /// While draining: once no session is open, close the shim's connections after their last frames,
    /// and leave when none has output left to flush.
    private func stopIfDrained() {
        guard isDraining, sessionCount == 0 else { return }
        for connection in connections.values { connection.close(flushing: true) }
        guard connections.isEmpty, flushing == 0 else { return }
        Log.info("all streams drained; exiting")
        loop.stop()
    }

    /// SIGHUP: read MODELS_FILE again. A file that does not parse or validate is refused and logged,
    /// and the current table stays.
    func reloadModels(readFile: (String) -> [UInt8]?, now: Int) {
        guard let path = config.modelsFilePath else {
            Log.warning("SIGHUP: no MODELS_FILE is configured; nothing to reload")
            return
        }
        guard let bytes = readFile(path) else {
            Log.error(
                "SIGHUP: MODELS_FILE \(path) cannot be read; keeping the current \(config.catalog.models.count) model(s)"
            )
            return
        }
        switch ModelCatalog.parse(modelsFile: bytes, created: now) {
        case .failure(let error):
            Log.error(
                "SIGHUP: refusing the new MODELS_FILE (\(error.message)); keeping the current \(config.catalog.models.count) model(s)"
            )
        case .success(let catalog):
            config.catalog = catalog
            Log.info("SIGHUP: reloaded MODELS_FILE: \(catalog.models.map(\.id).joined(separator: ", "))")
        }
    }

    /// ECS sends SIGTERM, then SIGKILL after `stopTimeout`: finish what is in flight, accept nothing new.
    func drain(timeout: Double) {
        guard !isDraining else { return }
        isDraining = true
        listener?.close()
        listener = nil
        Log.info("SIGTERM: draining \(sessionCount) in-flight request(s), at most \(Int(timeout)) s")
        let timer = Timer(loop: loop) { [weak self] in
            Log.warning("drain timeout with \(self?.sessionCount ?? 0) request(s) still open; exiting")
            self?.loop.stop()
        }
        drainTimer = timer
        timer.schedule(after: timeout)
        stopIfDrained()
    }
}
