import FoundationEssentials
import GatewayWire

/// Secrets Manager's secrets as GetSecretValue reports them; replacing one is a rotation (new version id).
final class SecretStore {
    struct Secret {
        var name: String
        var value: String
        var versionId: String
        var created: Date
    }

    private var secrets: [String: Secret] = [:]
    let region: String

    init(region: String, initial: [(name: String, value: String)], now: Date) {
        self.region = region
        for (name, value) in initial { set(name: name, value: value, now: now) }
    }

    /// The ARN AWS would report; the six-character suffix is random in AWS and fixed here.
    func arn(of name: String) -> String {
        "arn:aws:secretsmanager:\(region):\(EmulatorIdentity.account):secret:\(name)-AbCdEf"
    }

    func set(name: String, value: String, now: Date) {
        secrets[name] = Secret(name: name, value: value, versionId: UUID().uuidString.lowercased(), created: now)
    }

    /// By name or by the ARN `arn(of:)` gives (AWS also accepts the ARN without its suffix).
    func find(_ secretId: String) -> Secret? {
        if let s = secrets[secretId] { return s }
        return secrets.values.first { secretId == arn(of: $0.name) || secretId == String(arn(of: $0.name).dropLast(7)) }
    }

    /// The GetSecretValue response body.
    func response(for secret: Secret) -> JSONValue {
        .object([
            ("ARN", .string(arn(of: secret.name))),
            ("CreatedDate", .double((secret.created.timeIntervalSince1970 * 1000).rounded() / 1000)),
            ("Name", .string(secret.name)),
            ("SecretString", .string(secret.value)),
            ("VersionId", .string(secret.versionId)),
            ("VersionStages", .array([.string("AWSCURRENT")])),
        ])
    }
}
