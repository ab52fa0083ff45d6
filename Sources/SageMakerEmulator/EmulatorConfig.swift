import GatewayWire

/// The emulator's settings: command-line flags first, then `EMULATOR_*` environment variables, then defaults
/// chosen so `make run` works with no arguments.
struct EmulatorConfig {
    var host = "127.0.0.1"
    /// 0 asks the kernel for a free port; the chosen one is printed as `LISTENING <port>`.
    var port = 8081
    var region = "us-east-1"
    var accessKey = "AKIDEMULATOR"
    var secretKey = "emulator-secret-key"
    var endpoints: [String] = ["demo-endpoint"]
    /// Production variants every endpoint has; `X-Amzn-SageMaker-Target-Variant` must name one of them.
    var variants: [String] = ["AllTraffic"]
    /// Inference components every endpoint hosts; empty means the endpoints have none, as on a classic endpoint.
    var inferenceComponents: [String] = []
    /// Endpoints whose container is TGI's native API (`{"inputs", "parameters"}`, TGI's token stream) rather than
    /// an OpenAI-compatible one; they are known endpoints without being listed in `endpoints`.
    var tgiEndpoints: [String] = []
    /// Endpoints whose container cannot stream: InvokeEndpointWithResponseStream answers ValidationError.
    var noStreamEndpoints: [String] = []
    /// The name the container serves, which vLLM insists a request's `model` matches.
    var servedModel = "emulator-model"
    var secrets: [(name: String, value: String)] = []
    var containerCredentialsToken: String?
    var credentialsLifetime: Double = 3600
    /// Characters of a minted session token. Real ones (an ECS task role's) run to about a thousand, and the
    /// signer sends the token as a header on every call: `scripts/callgrind.py --session-token` measures that.
    var sessionTokenLength = 144
    /// The one web identity token STS AssumeRoleWithWebIdentity accepts; nil refuses every token.
    var webIdentityToken: String?
    /// The instance profile role IMDS lists.
    var instanceRole = "emulator-instance-role"
    var maxBodyBytes = 8 << 20
    /// Most inputs one TEI-style `{"inputs": [...]}` call may carry (TEI's `--max-client-batch-size`).
    var maxBatch = 32
    /// InvokeEndpoint gives up on a container that has not answered after this many seconds, as
    /// SageMaker does at 60; InvokeEndpointWithResponseStream has no such limit.
    var invokeTimeout = 60.0
    /// A local OpenAI-compatible server (Ollama, llama.cpp's llama-server, vLLM) that answers the
    /// `openai`-format invocations instead of the scripted model, e.g. `http://127.0.0.1:11434/v1`.
    var upstream: String?
    /// The `model` sent upstream (the gateway sends `container_model` or an empty one).
    var upstreamModel: String?
    /// Sent as `Authorization: Bearer` to the upstream server, when it wants a key.
    var upstreamKey: String?

    static let usage = """
        usage: sagemaker-emulator [options]
          --host HOST                      listen address (EMULATOR_HOST, default 127.0.0.1)
          --port PORT                      listen port, 0 = ephemeral (EMULATOR_PORT, default 8081)
          --region REGION                  region requests must be signed for (EMULATOR_REGION, default us-east-1)
          --access-key ID                  accepted static access key id (EMULATOR_ACCESS_KEY, default AKIDEMULATOR)
          --secret-key SECRET              its secret (EMULATOR_SECRET_KEY, default emulator-secret-key)
          --endpoint NAME                  known endpoint, repeatable (EMULATOR_ENDPOINTS, comma-separated; default demo-endpoint)
          --variant NAME                   production variant, repeatable (EMULATOR_VARIANTS; default AllTraffic)
          --inference-component NAME       hosted inference component, repeatable (EMULATOR_INFERENCE_COMPONENTS; default none)
          --tgi-endpoint NAME              endpoint whose container is TGI's native API, repeatable (EMULATOR_TGI_ENDPOINTS; default none)
          --served-model NAME              model name the container serves (EMULATOR_SERVED_MODEL, default emulator-model)
          --secret NAME=VALUE              Secrets Manager secret, repeatable (EMULATOR_SECRETS as JSON object {"name": "value"})
          --container-credentials-token T  Authorization value the credentials endpoint requires (EMULATOR_CONTAINER_CREDENTIALS_TOKEN)
          --credentials-lifetime SECONDS   lifetime of minted container, STS and IMDS credentials (EMULATOR_CREDENTIALS_LIFETIME, default 3600)
          --session-token-length N         characters of a minted session token, at least 24 (default 144)
          --web-identity-token TOKEN       token STS AssumeRoleWithWebIdentity accepts (EMULATOR_WEB_IDENTITY_TOKEN; default: none)
          --instance-role NAME             role IMDS lists (EMULATOR_INSTANCE_ROLE, default emulator-instance-role)
          --max-batch N                    most inputs per TEI-style embeddings call, else 413 (EMULATOR_MAX_BATCH, default 32)
          --no-stream-endpoint NAME        an endpoint whose container cannot stream (EMULATOR_NO_STREAM_ENDPOINTS)
          --upstream URL                   forward openai-format invocations to this OpenAI-compatible server, e.g.
                                           http://127.0.0.1:11434/v1 for Ollama (EMULATOR_UPSTREAM; key: EMULATOR_UPSTREAM_KEY)
          --upstream-model NAME            the model sent upstream when the gateway sends none (EMULATOR_UPSTREAM_MODEL)
          --invoke-timeout SECONDS         InvokeEndpoint fails a slower answer with SageMaker's timeout ModelError (EMULATOR_INVOKE_TIMEOUT, default 60)
        """

    enum ParseError: Error, CustomStringConvertible {
        case message(String)
        var description: String { if case .message(let m) = self { return m } else { return "" } }
    }

    static func parse(arguments: [String], environment: [String: String]) throws -> EmulatorConfig {
        var config = EmulatorConfig()
        try config.apply(environment: environment)
        try config.apply(arguments: arguments)
        config.endpoints += config.tgiEndpoints.filter { !config.endpoints.contains($0) }
        config.endpoints += config.noStreamEndpoints.filter { !config.endpoints.contains($0) }
        return config
    }

    private mutating func apply(environment env: [String: String]) throws {
        if let v = env["EMULATOR_HOST"] { host = v }
        if let v = env["EMULATOR_PORT"] { port = try Self.port(v) }
        if let v = env["EMULATOR_REGION"] { region = v }
        if let v = env["EMULATOR_ACCESS_KEY"] { accessKey = v }
        if let v = env["EMULATOR_SECRET_KEY"] { secretKey = v }
        if let v = env["EMULATOR_ENDPOINTS"] { endpoints = Self.list(v) }
        if let v = env["EMULATOR_VARIANTS"] { variants = Self.list(v) }
        if let v = env["EMULATOR_INFERENCE_COMPONENTS"] { inferenceComponents = Self.list(v) }
        if let v = env["EMULATOR_SERVED_MODEL"] { servedModel = v }
        if let v = env["EMULATOR_TGI_ENDPOINTS"] { tgiEndpoints = Self.list(v) }
        if let v = env["EMULATOR_NO_STREAM_ENDPOINTS"] { noStreamEndpoints = Self.list(v) }
        if let v = env["EMULATOR_SECRETS"] { secrets = try Self.secretObject(v) }
        if let v = env["EMULATOR_CONTAINER_CREDENTIALS_TOKEN"], !v.isEmpty { containerCredentialsToken = v }
        if let v = env["EMULATOR_CREDENTIALS_LIFETIME"] { credentialsLifetime = try Self.seconds(v) }
        if let v = env["EMULATOR_WEB_IDENTITY_TOKEN"], !v.isEmpty { webIdentityToken = v }
        if let v = env["EMULATOR_INSTANCE_ROLE"], !v.isEmpty { instanceRole = v }
        if let v = env["EMULATOR_MAX_BATCH"] { maxBatch = try Self.count(v) }
        if let v = env["EMULATOR_INVOKE_TIMEOUT"] { invokeTimeout = try Self.seconds(v) }
        if let v = env["EMULATOR_UPSTREAM"], !v.isEmpty { upstream = v }
        if let v = env["EMULATOR_UPSTREAM_MODEL"], !v.isEmpty { upstreamModel = v }
        if let v = env["EMULATOR_UPSTREAM_KEY"], !v.isEmpty { upstreamKey = v }
    }

    private mutating func apply(arguments: [String]) throws {
        // Repeatable flags replace the defaults on first use, then accumulate.
        var seenEndpoint = false, seenVariant = false, seenSecret = false
        var index = 0
        func value(_ flag: String) throws -> String {
            index += 1
            guard index < arguments.count else { throw ParseError.message("\(flag) needs a value") }
            return arguments[index]
        }
        while index < arguments.count {
            var flag = arguments[index]
            var inline: String?
            if flag.hasPrefix("--"), let eq = flag.firstIndex(of: "=") {
                inline = String(flag[flag.index(after: eq)...])
                flag = String(flag[..<eq])
            }
            func next() throws -> String { if let inline { return inline } else { return try value(flag) } }
            switch flag {
            case "--host": host = try next()
            case "--port": port = try Self.port(try next())
            case "--region": region = try next()
            case "--access-key": accessKey = try next()
            case "--secret-key": secretKey = try next()
            case "--endpoint":
                if !seenEndpoint { endpoints = []; seenEndpoint = true }
                endpoints.append(try next())
            case "--variant":
                if !seenVariant { variants = []; seenVariant = true }
                variants.append(try next())
            case "--inference-component": inferenceComponents.append(try next())
            case "--served-model": servedModel = try next()
            case "--tgi-endpoint": tgiEndpoints.append(try next())
            case "--no-stream-endpoint": noStreamEndpoints.append(try next())
            case "--secret":
                if !seenSecret { secrets = []; seenSecret = true }
                let pair = try next()
                guard let eq = pair.firstIndex(of: "=") else { throw ParseError.message("--secret wants NAME=VALUE") }
                setSecret(name: String(pair[..<eq]), value: String(pair[pair.index(after: eq)...]))
            case "--container-credentials-token": containerCredentialsToken = try next()
            case "--credentials-lifetime": credentialsLifetime = try Self.seconds(try next())
            case "--session-token-length":
                let length = try Self.count(try next()), least = CredentialStore.tokenPrefix.count
                guard length >= least else {
                    throw ParseError.message("--session-token-length must be at least \(least)")
                }
                sessionTokenLength = length
            case "--web-identity-token": webIdentityToken = try next()
            case "--instance-role": instanceRole = try next()
            case "--max-batch": maxBatch = try Self.count(try next())
            case "--invoke-timeout": invokeTimeout = try Self.seconds(try next())
            case "--upstream": upstream = try next()
            case "--upstream-model": upstreamModel = try next()
            case "-h", "--help": throw ParseError.message(Self.usage)
            default: throw ParseError.message("unknown option \(arguments[index])\n\(Self.usage)")
            }
            index += 1
        }
    }

    private mutating func setSecret(name: String, value: String) {
        secrets.removeAll { $0.name == name }
        secrets.append((name, value))
    }

    private static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmed(of: " ") }.filter { !$0.isEmpty }
    }

    private static func port(_ text: String) throws -> Int {
        guard let p = Int(text), (0...65535).contains(p) else { throw ParseError.message("invalid port \(text)") }
        return p
    }

    private static func count(_ text: String) throws -> Int {
        guard let n = Int(text), n >= 1 else { throw ParseError.message("invalid count \(text)") }
        return n
    }

    private static func seconds(_ text: String) throws -> Double {
        guard let s = Double(text), s > 0, s.isFinite else { throw ParseError.message("invalid seconds \(text)") }
        return s
    }

    private static func secretObject(_ text: String) throws -> [(name: String, value: String)] {
        guard let parsed = try? JSONParser.parse(text), let members = parsed.objectValue else {
            throw ParseError.message("EMULATOR_SECRETS must be a JSON object of name to string value")
        }
        return try members.map { name, value in
            guard let s = value.stringValue else { throw ParseError.message("secret \(name) must be a string") }
            return (name, s)
        }
    }
}
