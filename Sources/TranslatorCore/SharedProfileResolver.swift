import AWSSigV4
import GatewayWire

/// Resolves the selected profile of the shared `credentials` and `config` files into a credential source,
/// the way botocore's assume-role, web-identity, shared-credentials and config-file providers do, in that order.
/// https://docs.aws.amazon.com/sdkref/latest/guide/file-location.html
struct SharedProfileResolver {
    let profile: String
    /// `AWS_PROFILE` (or `AWS_DEFAULT_PROFILE`) named the profile, so its absence is an error, not a fall-through.
    let explicit: Bool
    let credentialsPath: String
    let configPath: String
    let credentials: SharedConfigFile
    let config: SharedConfigFile

    init(environment env: [String: String], readFile: (String) -> [UInt8]?) {
        func value(_ name: String) -> String? {
            guard let v = env[name]?.trimmed(of: " \t\r\n"), !v.isEmpty else { return nil }
            return v
        }
        let named = value("AWS_PROFILE") ?? value("AWS_DEFAULT_PROFILE")
        profile = named ?? "default"
        explicit = named != nil
        let home = value("HOME") ?? ""
        func expand(_ path: String) -> String { path.hasPrefix("~/") ? home + path.dropFirst() : path }
        credentialsPath = expand(value("AWS_SHARED_CREDENTIALS_FILE") ?? "~/.aws/credentials")
        configPath = expand(value("AWS_CONFIG_FILE") ?? "~/.aws/config")
        func load(_ path: String, _ kind: SharedConfigFile.Kind) -> SharedConfigFile {
            guard let bytes = readFile(path) else { return SharedConfigFile() }
            return SharedConfigFile(parsing: String(decoding: bytes, as: UTF8.self), kind: kind)
        }
        credentials = load(credentialsPath, .credentials)
        config = load(configPath, .config)
    }

    func settings(_ name: String) -> [String: String]? {
        SharedConfigFile.merged(credentials: credentials, config: config, profile: name)
    }

    /// nil when the profile configures no credentials (a `[default]` that only sets a region, say).
    func resolve() -> Result<CredentialSource?, ConfigError> {
        guard let settings = settings(profile) else {
            guard !explicit else {
                return .failure(
                    ConfigError(
                        "AWS_PROFILE names profile \(profile), which neither \(credentialsPath) nor \(configPath) defines"
                    ))
            }
            return .success(nil)
        }
        if let roleArn = settings["role_arn"], !roleArn.isEmpty {
            if let tokenFile = settings["web_identity_token_file"], !tokenFile.isEmpty {
                return .success(
                    .webIdentity(
                        WebIdentitySource(
                            roleArn: roleArn, tokenFile: tokenFile, sessionName: settings["role_session_name"])))
            }
            if let source = settings["source_profile"], !source.isEmpty {
                return assumeRole(roleArn: roleArn, settings: settings, sourceProfile: source)
            }
            if let credentialSource = settings["credential_source"] {
                return .failure(
                    ConfigError(
                        "profile \(profile): credential_source = \(credentialSource) is not supported; "
                            + "use source_profile, or drop AWS_PROFILE so the environment's own source is used"))
            }
            return .failure(
                ConfigError("profile \(profile) has role_arn but neither source_profile nor web_identity_token_file"))
        }
        switch staticCredentials(settings, profile: profile) {
        case .failure(let error): return .failure(error)
        case .success(let credentials?): return .success(.sharedFiles(profile: profile, credentials))
        case .success(nil): return .success(nil)
        }
    }

    private func assumeRole(roleArn: String, settings: [String: String], sourceProfile: String) -> Result<
        CredentialSource?, ConfigError
    > {
        guard let sourceSettings = self.settings(sourceProfile) else {
            return .failure(ConfigError("profile \(profile): source_profile \(sourceProfile) is not defined"))
        }
        if sourceProfile != profile, sourceSettings["role_arn"] != nil {
            return .failure(
                ConfigError(
                    "profile \(profile): chained role assumption (source_profile \(sourceProfile) assumes a role) is not supported"
                ))
        }
        let sourceCredentials: AWSCredentials
        switch staticCredentials(sourceSettings, profile: sourceProfile) {
        case .failure(let error): return .failure(error)
        case .success(let c?): sourceCredentials = c
        case .success(nil):
            return .failure(
                ConfigError(
                    "profile \(profile): source_profile \(sourceProfile) has no aws_access_key_id/aws_secret_access_key"
                ))
        }
        var duration: Int?
        if let raw = settings["duration_seconds"] {
            guard let seconds = Int(raw), seconds >= 900 else {
                return .failure(
                    ConfigError(
                        "profile \(profile): duration_seconds must be a whole number of seconds ≥ 900, got \(raw)"))
            }
            duration = seconds
        }
        return .success(
            .assumeRole(
                AssumeRoleSource(
                    profile: profile, roleArn: roleArn, sessionName: settings["role_session_name"],
                    externalId: settings["external_id"],
                    durationSeconds: duration, sourceProfile: sourceProfile, sourceCredentials: sourceCredentials)))
    }

    private func staticCredentials(_ settings: [String: String], profile: String) -> Result<
        AWSCredentials?, ConfigError
    > {
        let keyId = settings["aws_access_key_id"] ?? ""
        let secret = settings["aws_secret_access_key"] ?? ""
        guard !keyId.isEmpty || !secret.isEmpty else { return .success(nil) }
        guard !keyId.isEmpty, !secret.isEmpty else {
            return .failure(
                ConfigError("profile \(profile) must set aws_access_key_id and aws_secret_access_key together"))
        }
        // `aws_security_token` is the name boto2 used; botocore still reads it.
        let token = [settings["aws_session_token"], settings["aws_security_token"]].compactMap { $0 }.first {
            !$0.isEmpty
        }
        return .success(AWSCredentials(accessKeyId: keyId, secretAccessKey: secret, sessionToken: token))
    }
}
