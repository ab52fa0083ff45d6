import GatewayWire

/// The translator's configuration, read once from the environment (names fixed by the contract in docs/design.md).
package struct TranslatorConfig: Sendable {
    package var socketPath: String
    package var logLevel: String?
    package var region: String
    package var catalog: ModelCatalog
    package var authSecretId: String?
    package var apiKeyCacheTTL: Double
    package var staticAPIKeys: APIKeySet
    package var allowUnauthenticated: Bool
    package var credentialSource: CredentialSource
    package var sagemakerEndpoint: ServiceEndpoint
    package var secretsManagerEndpoint: ServiceEndpoint
    /// STS, for web identity and assume-role credentials (regional, as botocore defaults to).
    package var stsEndpoint: ServiceEndpoint
    /// Seconds a client's non-streamed request may take in all. Streamed upstream (the default), only this
    /// limits it; with `upstream_streaming: never`, SageMaker's InvokeEndpoint gives up at 60 s anyway.
    package var invokeTimeout: Double
    /// Seconds a stream may go without a byte from SageMaker before it is abandoned as timed out.
    package var streamIdleTimeout: Double
    /// `MODELS_FILE`, kept so SIGHUP can read it again.
    package var modelsFilePath: String? = nil
    /// The largest request frame the shim may send: twice `MAX_BODY_BYTES` (the shim's limit; the frame
    /// re-encodes the validated body) plus 1 MiB, so a connection cannot make the translator buffer more.
    package var maxRequestFrameBytes = TranslatorConfig.requestFrameLimit(maxBodyBytes: 8 << 20)
    /// Seconds a shim connection may take to deliver its request frame (`FRAME_TIMEOUT_SECONDS`).
    package var frameTimeout = 10.0

    package static func requestFrameLimit(maxBodyBytes: Int) -> Int {
        maxBodyBytes.multipliedReportingOverflow(by: 2).partialValue.addingReportingOverflow(1 << 20).partialValue
    }

    package static let defaultSocketPath = "/run/gateway/translator.sock"

    /// `readFile` is injected so configuration parsing stays free of I/O for tests.
    package static func load(
        environment env: [String: String], now: Int, readFile: (String) -> [UInt8]?
    ) -> Result<TranslatorConfig, ConfigError> {
        func value(_ name: String) -> String? {
            guard let v = env[name]?.trimmed(of: " \t\r\n"), !v.isEmpty else { return nil }
            return v
        }
        guard let region = value("AWS_REGION") ?? value("AWS_DEFAULT_REGION") else {
            return .failure(
                ConfigError("set AWS_REGION (or AWS_DEFAULT_REGION) to the region of the SageMaker endpoint"))
        }

        let catalog: ModelCatalog
        if let path = value("MODELS_FILE") {
            guard let bytes = readFile(path) else { return .failure(ConfigError("MODELS_FILE \(path) cannot be read")) }
            switch ModelCatalog.parse(modelsFile: bytes, created: now) {
            case .success(let c): catalog = c
            case .failure(let e): return .failure(e)
            }
        } else if let endpoint = value("SAGEMAKER_ENDPOINT_NAME") ?? value("MODEL") {
            catalog = ModelCatalog(mode: .singleEndpoint(endpoint), created: now)
        } else {
            return .failure(
                ConfigError(
                    "set SAGEMAKER_ENDPOINT_NAME (or MODEL) to an endpoint name, or MODELS_FILE to a routing table"))
        }

        let staticKeys = APIKeySet(
            keys: (value("API_KEYS") ?? "").split(separator: ",").map { $0.trimmed(of: " \t\r\n") })
        let secretId = value("AUTH_SECRET_ID")
        let allowUnauthenticated = value("ALLOW_UNAUTHENTICATED") == "1"
        if secretId == nil && staticKeys.isEmpty && !allowUnauthenticated {
            return .failure(
                ConfigError(
                    "refusing to start without authentication: set AUTH_SECRET_ID (a Secrets Manager secret holding the API keys) "
                        + "or API_KEYS (comma-separated keys), or ALLOW_UNAUTHENTICATED=1 to accept every request"))
        }
        func seconds(_ name: String, default fallback: Double, allowZero: Bool) -> Result<Double, ConfigError> {
            guard let raw = value(name) else { return .success(fallback) }
            guard let parsed = Double(raw), parsed.isFinite, allowZero ? parsed >= 0 : parsed > 0 else {
                return .failure(ConfigError("\(name) must be a number of seconds, got \(raw)"))
            }
            return .success(parsed)
        }
        let ttl: Double
        let invokeTimeout: Double
        let streamIdleTimeout: Double
        switch (
            seconds("API_KEY_CACHE_TTL", default: 3600, allowZero: true),
            seconds("INVOKE_TIMEOUT_SECONDS", default: 600, allowZero: false),
            seconds("STREAM_IDLE_TIMEOUT_SECONDS", default: 300, allowZero: false)
        ) {
        case (.success(let t), .success(let i), .success(let s)): (ttl, invokeTimeout, streamIdleTimeout) = (t, i, s)
        case (.failure(let e), _, _), (_, .failure(let e), _), (_, _, .failure(let e)): return .failure(e)
        }

        var maxBodyBytes = 8 << 20
        if let raw = value("MAX_BODY_BYTES") {
            guard let n = Int(raw), n > 0 else {
                return .failure(ConfigError("MAX_BODY_BYTES must be a positive number of bytes, got \(raw)"))
            }
            maxBodyBytes = n
        }
        let frameTimeout: Double
        switch seconds("FRAME_TIMEOUT_SECONDS", default: 10, allowZero: false) {
        case .success(let t): frameTimeout = t
        case .failure(let e): return .failure(e)
        }

        let credentials: CredentialSource
        switch CredentialSource.resolve(environment: env, readFile: readFile) {
        case .success(let c): credentials = c
        case .failure(let e): return .failure(e)
        }
        let sagemaker: ServiceEndpoint
        switch EndpointResolver.endpoint(for: .sagemakerRuntime, region: region, environment: env) {
        case .success(let e): sagemaker = e
        case .failure(let e): return .failure(e)
        }
        let secrets: ServiceEndpoint
        switch EndpointResolver.endpoint(for: .secretsManager, region: region, environment: env) {
        case .success(let e): secrets = e
        case .failure(let e): return .failure(e)
        }

        let sts: ServiceEndpoint
        switch EndpointResolver.endpoint(for: .sts, region: region, environment: env) {
        case .success(let e): sts = e
        case .failure(let e): return .failure(e)
        }

        return .success(
            TranslatorConfig(
                socketPath: value("TRANSLATOR_SOCKET") ?? defaultSocketPath, logLevel: value("LOG_LEVEL"),
                region: region,
                catalog: catalog, authSecretId: secretId, apiKeyCacheTTL: ttl, staticAPIKeys: staticKeys,
                allowUnauthenticated: allowUnauthenticated, credentialSource: credentials, sagemakerEndpoint: sagemaker,
                secretsManagerEndpoint: secrets, stsEndpoint: sts,
                invokeTimeout: invokeTimeout, streamIdleTimeout: streamIdleTimeout,
                modelsFilePath: value("MODELS_FILE"),
                maxRequestFrameBytes: requestFrameLimit(maxBodyBytes: maxBodyBytes), frameTimeout: frameTimeout))
    }
}
