import AWSSigV4
import CurlMulti
import EventLoop
import FoundationEssentials
import GatewayLog
import GatewayWire

/// Routes each HTTP request to the AWS API it imitates. Everything runs on the one loop thread.
final class Emulator {
    let loop: EventLoop
    let config: EmulatorConfig
    let credentials: CredentialStore
    let secrets: SecretStore
    private let authenticator: RequestAuthenticator
    var stats = EmulatorStats()
    /// For `connections_accepted` in the stats; set once the server exists (it needs the emulator first).
    weak var server: HTTPServer?
    /// In-flight streams and delayed answers, kept alive until they end.
    var streams: [ObjectIdentifier: StreamSession] = [:]
    var delayed: [ObjectIdentifier: EventLoopTimer] = [:]
    var completionCounter = 0
    /// IMDSv2 session tokens and when each expires.
    var instanceMetadataTokens: [String: Date] = [:]
    var faults = EmulatorFaults()
    /// With `--upstream`: the client for the local OpenAI-compatible server, and the calls in flight.
    var upstreamCurl: CurlMulti?
    var forwards: [ObjectIdentifier: CurlTransfer] = [:]

    init(loop: EventLoop, config: EmulatorConfig, now: Date = Date()) {
        self.loop = loop
        self.config = config
        credentials = CredentialStore(
            staticCredentials: AWSCredentials(accessKeyId: config.accessKey, secretAccessKey: config.secretKey),
            lifetime: config.credentialsLifetime, tokenLength: config.sessionTokenLength)
        secrets = SecretStore(region: config.region, initial: config.secrets, now: now)
        authenticator = RequestAuthenticator(region: config.region, credentials: credentials)
    }

    func handle(_ exchange: HTTPExchange) {
        let requestId = UUID().uuidString.lowercased()
        let path = exchange.path
        Log.debug("\(exchange.method) \(path)")
        switch (exchange.method, path) {
        case ("GET", "/ping"):
            exchange.respond(status: 200, headers: [("Content-Type", "text/plain")], body: Array("OK\n".utf8))
        case ("GET", "/_emulator/stats"):
            respondJSON(
                exchange, 200, stats.json.setting("connections_accepted", to: .int(server?.connectionsAccepted ?? 0)))
        case ("POST", "/_emulator/secrets"):
            setSecret(exchange)
        case ("POST", "/_emulator/faults"):
            setFaults(exchange)
        case ("GET", "/creds"):
            containerCredentials(exchange)
        case ("GET", _) where path.hasPrefix("/v2/credentials/"):
            containerCredentials(exchange)
        case ("PUT", "/latest/api/token"):
            instanceMetadataToken(exchange)
        case ("GET", _) where path.hasPrefix("/latest/"):
            instanceMetadata(exchange)
        case ("POST", "/") where Self.isQueryProtocol(exchange):
            sts(exchange, requestId: requestId)
        case ("POST", "/"):
            secretsManager(exchange, requestId: requestId)
        case ("POST", _) where Self.isOpenAIRoute(path):
            openAIRoute(exchange, requestId: requestId)
        case ("POST", _) where path.hasPrefix("/endpoints/"):
            sagemakerRuntime(exchange, requestId: requestId)
        default:
            let error = AWSError(code: "UnknownOperationException", status: 404, message: "Not Found")
            respond(exchange, error.restJSON(requestId: requestId))
        }
    }

    func bodyTooLarge(_ exchange: HTTPExchange) {
        respond(
            exchange,
            AWSError.validation("Request body is too large.").restJSON(requestId: UUID().uuidString.lowercased()))
    }

    // MARK: Helpers

    func authenticate(_ exchange: HTTPExchange, service: String) -> AWSError? {
        let request = SigV4Request(
            method: exchange.method, path: exchange.path, query: exchange.query ?? "",
            headers: exchange.headers.map { (name: $0.0, value: $0.1) }, body: exchange.body)
        guard let failure = authenticator.check(request, service: service, now: Date()) else { return nil }
        stats.signatureFailures += 1
        Log.info("\(service) request refused: \(failure.code): \(failure.message)")
        return failure
    }

    func respond(_ exchange: HTTPExchange, _ answer: (status: Int, headers: [(String, String)], body: [UInt8])) {
        exchange.respond(status: answer.status, headers: answer.headers, body: answer.body)
    }

    func respondJSON(_ exchange: HTTPExchange, _ status: Int, _ value: JSONValue) {
        exchange.respond(status: status, headers: [("Content-Type", "application/json")], body: JSONWriter.bytes(value))
    }
}
