import AWSSigV4
import Foundation
import GatewayWire

/// The container credentials endpoint's answer:
/// `{"AccessKeyId", "SecretAccessKey", "Token", "Expiration": "2026-11-25T20:00:00Z"}`.
package enum ContainerCredentialsResponse {
    package static func parse(_ body: [UInt8]) -> Result<(AWSCredentials, expiration: Double?), ConfigError> {
        guard let json = try? JSONParser.parse(body) else {
            return .failure(ConfigError("container credentials endpoint answered with something that is not JSON"))
        }
        guard let keyId = json["AccessKeyId"]?.stringValue, let secret = json["SecretAccessKey"]?.stringValue,
            !keyId.isEmpty, !secret.isEmpty
        else {
            let message =
                json["message"]?.stringValue ?? json["Message"]?.stringValue ?? "no AccessKeyId/SecretAccessKey"
            return .failure(ConfigError("container credentials endpoint: \(message)"))
        }
        var expiration: Double?
        if let text = json["Expiration"]?.stringValue {
            guard let date = ISO8601.parse(text) else {
                return .failure(ConfigError("container credentials endpoint: unreadable Expiration \(text)"))
            }
            expiration = date
        }
        let token = json["Token"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        return .success((AWSCredentials(accessKeyId: keyId, secretAccessKey: secret, sessionToken: token), expiration))
    }
}

/// ISO 8601 timestamps as AWS writes them (`2026-11-25T20:00:00Z`, optionally with fractional seconds
/// or an offset), as seconds since the epoch.
package enum ISO8601 {
    package static func parse(_ text: String) -> Double? {
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let d = plain.date(from: text) { return d.timeIntervalSince1970 }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)?.timeIntervalSince1970
    }
}
