import AWSSigV4

/// A shared-config profile that assumes a role with another profile's static keys.
package struct AssumeRoleSource: Equatable, Sendable {
    package var profile: String
    package var roleArn: String
    package var sessionName: String?
    package var externalId: String?
    package var durationSeconds: Int?
    package var sourceProfile: String
    package var sourceCredentials: AWSCredentials

    package init(
        profile: String, roleArn: String, sessionName: String? = nil, externalId: String? = nil,
        durationSeconds: Int? = nil,
        sourceProfile: String, sourceCredentials: AWSCredentials
    ) {
        self.profile = profile
        self.roleArn = roleArn
        self.sessionName = sessionName
        self.externalId = externalId
        self.durationSeconds = durationSeconds
        self.sourceProfile = sourceProfile
        self.sourceCredentials = sourceCredentials
    }

    package func sessionName(now: Double) -> String {
        sessionName ?? "sagemaker-openai-gateway-\(Int(now))"
    }
}
