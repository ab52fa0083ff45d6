/// The key pair (and, for temporary credentials, the session token) a request is signed with.
///
/// See https://docs.aws.amazon.com/IAM/latest/UserGuide/security-creds.html
package struct AWSCredentials: Sendable, Equatable {
    package var accessKeyId: String
    package var secretAccessKey: String
    /// Present for temporary credentials (STS, container or instance roles); sent as `x-amz-security-token`.
    package var sessionToken: String?

    package init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }
}

extension AWSCredentials: CustomStringConvertible {
    /// Never prints the secret or the token, so credentials can be logged by accident without leaking.
    package var description: String {
        "AWSCredentials(accessKeyId: \(accessKeyId), secretAccessKey: <redacted>, sessionToken: \(sessionToken == nil ? "nil" : "<redacted>"))"
    }
}
