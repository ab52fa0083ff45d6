import AWSSigV4
import CurlMulti
import EventLoop
import FoundationEssentials
import GatewayWire
import TranslatorCore

/// Runs one refreshable source's fetch sequence with curl: the container endpoint (one GET), web identity
/// (token file re-read, then STS), assume-role (signed STS call) or IMDSv2 (token, role name, credentials).
/// One sequence at a time; the caller (CredentialsManager) guarantees that.
final class CredentialFetcher {
    typealias Fetched = (credentials: AWSCredentials, expiration: Double?)
    typealias Completion = (Result<Fetched, ConfigError>) -> Void

    private let source: CredentialSource
    private let region: String
    private let stsEndpoint: ServiceEndpoint
    private let curl: CurlMulti
    private let clock: GatewayClock
    private var transfer: CurlTransfer?

    init(source: CredentialSource, region: String, stsEndpoint: ServiceEndpoint, curl: CurlMulti, clock: GatewayClock) {
        self.source = source
        self.region = region
        self.stsEndpoint = stsEndpoint
        self.curl = curl
        self.clock = clock
    }

    /// The source as a metric label value.
    var sourceLabel: String {
        switch source {
        case .environment: return "environment"
        case .sharedFiles: return "shared_files"
        case .webIdentity: return "web_identity"
        case .assumeRole: return "assume_role"
        case .container: return "container"
        case .instanceMetadata: return "instance_metadata"
        }
    }

    /// Short name for log lines.
    var sourceName: String {
        switch source {
        case .environment: return "the environment"
        case .sharedFiles: return "the shared credentials file"
        case .webIdentity: return "STS AssumeRoleWithWebIdentity"
        case .assumeRole: return "STS AssumeRole"
        case .container: return "the container endpoint"
        case .instanceMetadata: return "instance metadata (IMDSv2)"
        }
    }

    /// False for static keys, which never need (and cannot have) a refresh.
    var isRefreshable: Bool {
        switch source {
        case .environment, .sharedFiles: return false
        case .webIdentity, .assumeRole, .container, .instanceMetadata: return true
        }
    }

    func fetch(_ completion: @escaping Completion) {
        switch source {
        case .environment, .sharedFiles:
            completion(.failure(ConfigError("static credentials cannot be refreshed")))
        case .container(let endpoint): fetchContainer(endpoint, completion)
        case .webIdentity(let identity): fetchWebIdentity(identity, completion)
        case .assumeRole(let role): fetchAssumeRole(role, completion)
        case .instanceMetadata(let imds): fetchInstanceMetadata(imds.endpoint, completion)
        }
    }

    // MARK: Sources

    private func fetchContainer(_ endpoint: ContainerCredentialsEndpoint, _ completion: @escaping Completion) {
        var headers: [(String, String)] = [("Accept", "application/json")]
        if let file = endpoint.authorizationTokenFile {
            // Re-read on every fetch: EKS Pod Identity rotates the file's token.
            guard let token = try? String(contentsOfFile: file, encoding: .utf8) else {
                return completion(.failure(ConfigError("cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(file)")))
            }
            headers.append(("Authorization", token.trimmed(of: " \t\r\n")))
        } else if let token = endpoint.authorizationToken {
            headers.append(("Authorization", token))
        }
        guard let target = ServiceEndpoint(url: endpoint.url) else {
            return completion(.failure(ConfigError("the container credentials URL is not an http(s) URL")))
        }
        let request = AWSHTTPRequest(
            method: "GET", endpoint: target, path: "", headers: headers.map { (name: $0.0, value: $0.1) }, body: [])
        send(request, connectTimeout: 2, totalTimeout: 5) { result in
            switch result {
            case .failure(let error):
                completion(.failure(ConfigError("container credentials endpoint unreachable: \(error)")))
            case .success((let status, let body)):
                guard status == 200 else {
                    return completion(.failure(ConfigError("container credentials endpoint answered HTTP \(status)")))
                }
                completion(ContainerCredentialsResponse.parse(body).map { ($0.0, $0.expiration) })
            }
        }
    }

    private func fetchWebIdentity(_ identity: WebIdentitySource, _ completion: @escaping Completion) {
        // Re-read on every refresh: the kubelet rotates the projected service-account token.
        guard let raw = try? String(contentsOfFile: identity.tokenFile, encoding: .utf8) else {
            return completion(.failure(ConfigError("cannot read AWS_WEB_IDENTITY_TOKEN_FILE \(identity.tokenFile)")))
        }
        let token = raw.trimmed(of: " \t\r\n")
        guard !token.isEmpty else {
            return completion(.failure(ConfigError("AWS_WEB_IDENTITY_TOKEN_FILE \(identity.tokenFile) is empty")))
        }
        let request = STSRequest.assumeRoleWithWebIdentity(
            endpoint: stsEndpoint, roleArn: identity.roleArn, sessionName: identity.sessionName(now: clock.wall()),
            webIdentityToken: token)
        sendSTS(request, action: "AssumeRoleWithWebIdentity", completion)
    }

    private func fetchAssumeRole(_ role: AssumeRoleSource, _ completion: @escaping Completion) {
        let request = STSRequest.assumeRole(
            endpoint: stsEndpoint, roleArn: role.roleArn, sessionName: role.sessionName(now: clock.wall()),
            externalId: role.externalId, durationSeconds: role.durationSeconds
        ).signed(credentials: role.sourceCredentials, region: region, service: .sts, at: clock.date)
        sendSTS(request, action: "AssumeRole", completion)
    }

    private func sendSTS(_ request: AWSHTTPRequest, action: String, _ completion: @escaping Completion) {
        send(request, connectTimeout: 5, totalTimeout: 15) { result in
            switch result {
            case .failure(let error):
                completion(.failure(ConfigError("STS unreachable at \(request.endpoint.url(path: "")): \(error)")))
            case .success((let status, let body)):
                completion(
                    STSRequest.parseCredentials(action: action, status: status, body: body).map {
                        ($0.0, $0.expiration)
                    })
            }
        }
    }

    private func fetchInstanceMetadata(_ endpoint: ServiceEndpoint, _ completion: @escaping Completion) {
        func failed(_ step: String, _ result: Result<(Int, [UInt8]), BufferedTransferError>) -> ConfigError? {
            switch result {
            case .failure(let error): return ConfigError("instance metadata unreachable (\(step)): \(error)")
            case .success((let status, _)) where status != 200:
                return ConfigError("instance metadata answered HTTP \(status) (\(step))")
            case .success: return nil
            }
        }
        // Short timeouts as in the SDKs: off EC2 the link-local address simply does not answer.
        send(InstanceMetadataRequest.token(endpoint: endpoint), connectTimeout: 1, totalTimeout: 2) {
            [weak self] result in
            guard let self else { return }
            if let error = failed("session token", result) { return completion(.failure(error)) }
            guard case .success((_, let body)) = result else { return }
            let token = String(decoding: body, as: UTF8.self).trimmed(of: " \t\r\n")
            self.send(
                InstanceMetadataRequest.roleName(endpoint: endpoint, token: token), connectTimeout: 1, totalTimeout: 2
            ) {
                [weak self] result in
                guard let self else { return }
                if let error = failed("role name", result) { return completion(.failure(error)) }
                guard case .success((_, let body)) = result else { return }
                let role: String
                switch InstanceMetadataRequest.parseRoleName(body) {
                case .failure(let error): return completion(.failure(error))
                case .success(let name): role = name
                }
                self.send(
                    InstanceMetadataRequest.credentials(endpoint: endpoint, token: token, role: role),
                    connectTimeout: 1, totalTimeout: 2
                ) { result in
                    if let error = failed("credentials of role \(role)", result) { return completion(.failure(error)) }
                    guard case .success((_, let body)) = result else { return }
                    completion(InstanceMetadataRequest.parseCredentials(body).map { ($0.0, $0.expiration) })
                }
            }
        }
    }

    // MARK: HTTP

    private func send(
        _ request: AWSHTTPRequest, connectTimeout: Double, totalTimeout: Double,
        _ completion: @escaping (Result<(Int, [UInt8]), BufferedTransferError>) -> Void
    ) {
        // Credential answers are a few KiB; anything far larger is not one.
        transfer = sendBuffered(
            request, on: curl, connectTimeout: connectTimeout, totalTimeout: totalTimeout, maxBytes: 1 << 20
        ) { [weak self] result in
            self?.transfer = nil
            completion(result.map { ($0.status, $0.body) })
        }
    }
}
