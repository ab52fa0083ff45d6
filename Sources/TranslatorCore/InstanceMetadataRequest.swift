import AWSSigV4
import FoundationEssentials
import GatewayWire

/// IMDSv2's three steps to the instance role's credentials: a session token (`PUT /latest/api/token`), the
/// role name, then the role's credentials, each GET carrying the token.
/// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html
package enum InstanceMetadataRequest {
    /// Six hours, as the SDKs ask for.
    package static let tokenTTLSeconds = 21600
    package static let tokenHeader = "X-aws-ec2-metadata-token"
    static let credentialsPath = "/latest/meta-data/iam/security-credentials/"

    package static func token(endpoint: ServiceEndpoint) -> AWSHTTPRequest {
        AWSHTTPRequest(
            method: "PUT", endpoint: endpoint, path: "/latest/api/token",
            headers: [("X-aws-ec2-metadata-token-ttl-seconds", String(tokenTTLSeconds)), ("Content-Length", "0")],
            body: [])
    }

    package static func roleName(endpoint: ServiceEndpoint, token: String) -> AWSHTTPRequest {
        AWSHTTPRequest(
            method: "GET", endpoint: endpoint, path: credentialsPath, headers: [(tokenHeader, token)], body: [])
    }

    package static func credentials(endpoint: ServiceEndpoint, token: String, role: String) -> AWSHTTPRequest {
        AWSHTTPRequest(
            method: "GET", endpoint: endpoint, path: credentialsPath + percentEncodePathSegment(role),
            headers: [(tokenHeader, token)],
            body: [])
    }

    /// The role listing is one name per line; an instance has at most one role.
    package static func parseRoleName(_ body: [UInt8]) -> Result<String, ConfigError> {
        let name = String(decoding: body, as: UTF8.self).split(whereSeparator: \.isNewline).first.map {
            $0.trimmed(of: " \t")
        }
        guard let name, !name.isEmpty else {
            return .failure(ConfigError("instance metadata lists no IAM role: is an instance profile attached?"))
        }
        return .success(name)
    }

    /// `{"Code": "Success", "AccessKeyId", "SecretAccessKey", "Token", "Expiration"}`.
    package static func parseCredentials(_ body: [UInt8]) -> Result<(AWSCredentials, expiration: Double?), ConfigError>
    {
        if let json = try? JSONParser.parse(body), let code = json["Code"]?.stringValue, code != "Success" {
            let message = json["Message"]?.stringValue ?? ""
            return .failure(
                ConfigError("instance metadata credentials: \(code)\(message.isEmpty ? "" : ": " + message)"))
        }
        return ContainerCredentialsResponse.parse(body).mapError {
            ConfigError(
                $0.message.replacing("container credentials endpoint", with: "instance metadata credentials"))
        }
    }
}
