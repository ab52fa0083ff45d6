import AWSSigV4
import GatewayWire

/// Where the translator's AWS credentials come from, chosen once at startup in the SDKs' order.
/// Sources that need a network call (STS, the container endpoint, instance metadata) are fetched and
/// refreshed by the loop; the others never expire on our watch.
package enum CredentialSource: Equatable, Sendable {
    /// `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`: never expire on our watch.
    case environment(AWSCredentials)
    /// `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN` (EKS IRSA): STS AssumeRoleWithWebIdentity.
    case webIdentity(WebIdentitySource)
    /// Static keys of a profile in the shared `credentials` / `config` files, read once at startup.
    case sharedFiles(profile: String, AWSCredentials)
    /// A profile's `role_arn` + `source_profile`: STS AssumeRole signed with the source profile's keys.
    case assumeRole(AssumeRoleSource)
    /// The ECS / EKS Pod Identity container credentials endpoint.
    case container(ContainerCredentialsEndpoint)
    /// The EC2 instance role through IMDSv2.
    case instanceMetadata(InstanceMetadataEndpoint)

    /// A log-safe description: which source, never the secret parts.
    package var logDescription: String {
        switch self {
        case .environment(let c):
            return
                "environment variables (access key \(c.accessKeyId.prefix(4))…\(c.sessionToken == nil ? "" : ", with session token"))"
        case .webIdentity(let w):
            return
                "web identity token file \(w.tokenFile) exchanged for role \(w.roleArn) with STS AssumeRoleWithWebIdentity"
        case .sharedFiles(let profile, let c):
            return
                "shared credentials file profile \(profile) (access key \(c.accessKeyId.prefix(4))…\(c.sessionToken == nil ? "" : ", with session token"))"
        case .assumeRole(let a):
            return
                "profile \(a.profile): role \(a.roleArn) assumed with STS AssumeRole using source profile \(a.sourceProfile)"
        case .container(let e):
            return "container credentials endpoint \(e.url)"
        case .instanceMetadata(let e):
            return "EC2 instance metadata (IMDSv2) at \(e.endpoint.url(path: ""))"
        }
    }

    /// The environment alone (no shared files): kept for callers that have no file access.
    package static func resolve(environment env: [String: String]) -> Result<CredentialSource, ConfigError> {
        resolve(environment: env, readFile: { _ in nil })
    }

    /// The first source the environment configures, in botocore's order: environment keys, web identity,
    /// the shared files' profile, the container endpoint, then instance metadata unless
    /// `AWS_EC2_METADATA_DISABLED=true`. `readFile` is injected so resolution stays testable without I/O.
    package static func resolve(
        environment env: [String: String], readFile: (String) -> [UInt8]?
    ) -> Result<CredentialSource, ConfigError> {
        func value(_ name: String) -> String? {
            guard let v = env[name]?.trimmed(of: " \t\r\n"), !v.isEmpty else { return nil }
            return v
        }
        let accessKey = env["AWS_ACCESS_KEY_ID"] ?? ""
        let secretKey = env["AWS_SECRET_ACCESS_KEY"] ?? ""
        if !accessKey.isEmpty || !secretKey.isEmpty {
            guard !accessKey.isEmpty, !secretKey.isEmpty else {
                return .failure(ConfigError("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together"))
            }
            let token = env["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
            return .success(
                .environment(AWSCredentials(accessKeyId: accessKey, secretAccessKey: secretKey, sessionToken: token)))
        }

        let profiles = SharedProfileResolver(environment: env, readFile: readFile)
        // Like botocore's AssumeRoleWithWebIdentityProvider: the variables, or the same settings in the profile.
        if let tokenFile = value("AWS_WEB_IDENTITY_TOKEN_FILE"), let roleArn = value("AWS_ROLE_ARN") {
            return .success(
                .webIdentity(
                    WebIdentitySource(
                        roleArn: roleArn, tokenFile: tokenFile, sessionName: value("AWS_ROLE_SESSION_NAME"))))
        }
        switch profiles.resolve() {
        case .failure(let error): return .failure(error)
        case .success(let source?): return .success(source)
        case .success(nil): break
        }

        switch ContainerCredentialsEndpoint.resolve(environment: env) {
        case .success(let endpoint?): return .success(.container(endpoint))
        case .failure(let error): return .failure(error)
        case .success(nil): break
        }

        switch InstanceMetadataEndpoint.resolve(environment: env) {
        case .success(let endpoint?): return .success(.instanceMetadata(endpoint))
        case .failure(let error): return .failure(error)
        case .success(nil): break
        }
        return .failure(
            ConfigError(
                "no AWS credentials found: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN, "
                    + "or AWS_PROFILE with the shared credentials file, or run where AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or "
                    + "AWS_CONTAINER_CREDENTIALS_FULL_URI is set (ECS, EKS Pod Identity); instance metadata is off "
                    + "(AWS_EC2_METADATA_DISABLED=true)"))
    }
}

/// The container credentials endpoint as botocore's ContainerProvider resolves it.
package struct ContainerCredentialsEndpoint: Equatable, Sendable {
    package var url: String
    package var authorizationToken: String?
    /// Re-read on every fetch: EKS Pod Identity rotates the file's token.
    package var authorizationTokenFile: String?

    package init(url: String, authorizationToken: String? = nil, authorizationTokenFile: String? = nil) {
        self.url = url
        self.authorizationToken = authorizationToken
        self.authorizationTokenFile = authorizationTokenFile
    }

    static let ecsHost = "169.254.170.2"
    static let allowedFullURIHosts: Set<String> = ["169.254.170.2", "169.254.170.23", "[fd00:ec2::23]"]

    package static func resolve(environment env: [String: String]) -> Result<ContainerCredentialsEndpoint?, ConfigError>
    {
        let tokenFile = env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        let token = env["AWS_CONTAINER_AUTHORIZATION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        if let relative = env["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"], !relative.isEmpty {
            let path = relative.hasPrefix("/") ? relative : "/" + relative
            return .success(
                ContainerCredentialsEndpoint(
                    url: "http://\(ecsHost)\(path)", authorizationToken: token, authorizationTokenFile: tokenFile))
        }
        guard let full = env["AWS_CONTAINER_CREDENTIALS_FULL_URI"], !full.isEmpty else { return .success(nil) }
        guard let endpoint = ServiceEndpoint(url: full) else {
            return .failure(ConfigError("AWS_CONTAINER_CREDENTIALS_FULL_URI is not an http(s) URL"))
        }
        // Like botocore: plain http only to loopback or the link-local container hosts.
        if endpoint.scheme == "http" && !isLoopback(endpoint.host) && !allowedFullURIHosts.contains(endpoint.host) {
            return .failure(
                ConfigError(
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to a loopback address, 169.254.170.2, "
                        + "169.254.170.23 or fd00:ec2::23 (got host \(endpoint.host))"))
        }
        return .success(
            ContainerCredentialsEndpoint(url: full, authorizationToken: token, authorizationTokenFile: tokenFile))
    }

    /// `localhost`, `[::1]` or an IPv4 literal in 127.0.0.0/8; a DNS name such as `127.example.com` is not loopback.
    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "[::1]" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.allSatisfy { UInt8($0) != nil } && octets[0] == "127"
    }
}
