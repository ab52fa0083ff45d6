/// EKS IRSA's variables: a projected service-account token file, re-read on every refresh because the
/// kubelet rotates it, exchanged for the role's credentials with STS AssumeRoleWithWebIdentity.
/// https://docs.aws.amazon.com/sdkref/latest/guide/feature-assume-role-credentials.html
package struct WebIdentitySource: Equatable, Sendable {
    package var roleArn: String
    package var tokenFile: String
    /// `AWS_ROLE_SESSION_NAME`; when unset a name is made per refresh, as botocore does.
    package var sessionName: String?

    package init(roleArn: String, tokenFile: String, sessionName: String? = nil) {
        self.roleArn = roleArn
        self.tokenFile = tokenFile
        self.sessionName = sessionName
    }

    /// botocore names sessions `botocore-session-<epoch seconds>`; ours say which program assumed the role.
    package func sessionName(now: Double) -> String {
        sessionName ?? "sagemaker-openai-gateway-\(Int(now))"
    }
}
