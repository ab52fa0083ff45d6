import FoundationEssentials
import GatewayWire

/// Secrets Manager `GetSecretValue` over its JSON 1.1 protocol
/// (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html).
package enum SecretsManagerRequest {
    package static func getSecretValue(endpoint: ServiceEndpoint, secretId: String) -> AWSHTTPRequest {
        let body = JSONWriter.bytes(.object([("SecretId", .string(secretId))]))
        return AWSHTTPRequest(
            method: "POST", endpoint: endpoint, path: "/",
            headers: [
                ("content-type", "application/x-amz-json-1.1"), ("x-amz-target", "secretsmanager.GetSecretValue"),
            ],
            body: body)
    }

    /// The secret's text: `SecretString`, or `SecretBinary` (base64) decoded as UTF-8.
    package static func parseResponse(status: Int, body: [UInt8]) -> Result<String, ConfigError> {
        let json = try? JSONParser.parse(body)
        guard status == 200 else {
            let type =
                json?["__type"]?.stringValue.map { $0.split(separator: "#").last.map(String.init) ?? $0 }
                ?? "HTTP \(status)"
            let message = json?["Message"]?.stringValue ?? json?["message"]?.stringValue ?? ""
            return .failure(ConfigError("GetSecretValue failed: \(type)\(message.isEmpty ? "" : ": " + message)"))
        }
        if let s = json?["SecretString"]?.stringValue { return .success(s) }
        if let b = json?["SecretBinary"]?.stringValue, let data = Data(base64Encoded: b),
            let s = String(data: data, encoding: .utf8)
        {
            return .success(s)
        }
        return .failure(ConfigError("GetSecretValue answered without SecretString"))
    }
}
