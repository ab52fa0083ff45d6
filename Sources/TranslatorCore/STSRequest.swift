import AWSSigV4

/// STS calls over the query protocol: a form-encoded POST to `/`, answered in XML
/// (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html,
/// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html).
package enum STSRequest {
    package static let version = "2011-06-15"

    /// Unsigned: the web identity token is the proof, as botocore sends it.
    package static func assumeRoleWithWebIdentity(
        endpoint: ServiceEndpoint, roleArn: String, sessionName: String, webIdentityToken: String
    ) -> AWSHTTPRequest {
        form(
            endpoint: endpoint,
            [
                ("Action", "AssumeRoleWithWebIdentity"), ("Version", version), ("RoleArn", roleArn),
                ("RoleSessionName", sessionName), ("WebIdentityToken", webIdentityToken),
            ])
    }

    /// To be signed with the source profile's credentials (`AWSHTTPRequest.signed(..., service: .sts, ...)`).
    package static func assumeRole(
        endpoint: ServiceEndpoint, roleArn: String, sessionName: String, externalId: String? = nil,
        durationSeconds: Int? = nil
    ) -> AWSHTTPRequest {
        var fields = [
            ("Action", "AssumeRole"), ("Version", version), ("RoleArn", roleArn), ("RoleSessionName", sessionName),
        ]
        if let durationSeconds { fields.append(("DurationSeconds", String(durationSeconds))) }
        if let externalId { fields.append(("ExternalId", externalId)) }
        return form(endpoint: endpoint, fields)
    }

    /// `application/x-www-form-urlencoded` with RFC 3986's unreserved set, as botocore's query serialiser writes it.
    static func form(endpoint: ServiceEndpoint, _ fields: [(String, String)]) -> AWSHTTPRequest {
        let body = fields.map { "\(percentEncodePathSegment($0.0))=\(percentEncodePathSegment($0.1))" }.joined(
            separator: "&")
        return AWSHTTPRequest(
            method: "POST", endpoint: endpoint, path: "/",
            headers: [("content-type", "application/x-www-form-urlencoded; charset=utf-8")], body: Array(body.utf8))
    }

    /// The temporary credentials inside `<Action>Result/Credentials`, or the `ErrorResponse/Error` code and message.
    package static func parseCredentials(
        action: String, status: Int, body: [UInt8]
    ) -> Result<(AWSCredentials, expiration: Double?), ConfigError> {
        let xml = String(decoding: body, as: UTF8.self)
        if status != 200 || xml.contains("<ErrorResponse") {
            let code = XMLElementText.find(["ErrorResponse", "Error", "Code"], in: xml) ?? "HTTP \(status)"
            let message = XMLElementText.find(["ErrorResponse", "Error", "Message"], in: xml) ?? ""
            return .failure(ConfigError("STS \(action) failed: \(code)\(message.isEmpty ? "" : ": " + message)"))
        }
        let base = ["\(action)Result", "Credentials"]
        guard let keyId = XMLElementText.find(base + ["AccessKeyId"], in: xml), !keyId.isEmpty,
            let secret = XMLElementText.find(base + ["SecretAccessKey"], in: xml), !secret.isEmpty,
            let token = XMLElementText.find(base + ["SessionToken"], in: xml), !token.isEmpty
        else {
            return .failure(ConfigError("STS \(action) answered without AccessKeyId/SecretAccessKey/SessionToken"))
        }
        guard let text = XMLElementText.find(base + ["Expiration"], in: xml), let expiration = ISO8601.parse(text)
        else {
            return .failure(ConfigError("STS \(action) answered without a readable Expiration"))
        }
        return .success((AWSCredentials(accessKeyId: keyId, secretAccessKey: secret, sessionToken: token), expiration))
    }
}
