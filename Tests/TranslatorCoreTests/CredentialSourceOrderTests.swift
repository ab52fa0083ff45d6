import AWSSigV4
import Testing

@testable import TranslatorCore

/// Which source wins for which environment: botocore's order, first that yields wins.
@Suite("CredentialSource order")
struct CredentialSourceOrderTests {
    static let envKeys = ["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "env-secret"]
    static let webIdentity = [
        "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/token", "AWS_ROLE_ARN": "arn:aws:iam::1:role/irsa",
    ]
    static let container = ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/x"]
    static let home = ["HOME": "/home/u"]
    static let noIMDS = ["AWS_EC2_METADATA_DISABLED": "true"]
    static let files = [
        "/home/u/.aws/credentials": """
        [default]
        aws_access_key_id = AKIDDEFAULT
        aws_secret_access_key = default-secret

        [dev]
        aws_access_key_id = AKIDDEV
        aws_secret_access_key = dev-secret
        aws_session_token = dev-token

        [half]
        aws_access_key_id = AKIDHALF
        """,
        "/home/u/.aws/config": """
        [default]
        region = us-east-1

        [profile fromconfig]
        aws_access_key_id = AKIDCONFIG
        aws_secret_access_key = config-secret

        [profile admin]
        role_arn = arn:aws:iam::1:role/admin
        source_profile = dev
        external_id = ext-1
        role_session_name = me
        duration_seconds = 1800

        [profile eks]
        role_arn = arn:aws:iam::1:role/eks
        web_identity_token_file = /tokens/eks

        [profile chained]
        role_arn = arn:aws:iam::1:role/second
        source_profile = admin

        [profile instance]
        role_arn = arn:aws:iam::1:role/x
        credential_source = Ec2InstanceMetadata

        [profile regiononly]
        region = eu-west-1
        """,
        "/elsewhere/creds": "[default]\naws_access_key_id = AKIDELSEWHERE\naws_secret_access_key = s\n",
    ]

    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var env: [String: String]
        var expected: CredentialSource
        var testDescription: String { label }
    }

    static func merge(_ parts: [String: String]...) -> [String: String] {
        parts.reduce(into: [:]) { $0.merge($1) { _, new in new } }
    }

    static let dev = AWSCredentials(accessKeyId: "AKIDDEV", secretAccessKey: "dev-secret", sessionToken: "dev-token")
    static let imdsDefault = CredentialSource.instanceMetadata(
        InstanceMetadataEndpoint(endpoint: InstanceMetadataEndpoint.ipv4))

    static let cases: [Case] = [
        Case(
            label: "environment beats everything",
            env: merge(envKeys, webIdentity, ["AWS_PROFILE": "dev"], container, home),
            expected: .environment(AWSCredentials(accessKeyId: "AKIDENV", secretAccessKey: "env-secret"))),
        Case(
            label: "web identity beats the profile and the container",
            env: merge(webIdentity, ["AWS_PROFILE": "dev", "AWS_ROLE_SESSION_NAME": "sess"], container, home),
            expected: .webIdentity(
                WebIdentitySource(roleArn: "arn:aws:iam::1:role/irsa", tokenFile: "/var/run/token", sessionName: "sess")
            )),
        Case(
            label: "web identity needs both variables",
            env: merge(["AWS_ROLE_ARN": "arn:aws:iam::1:role/irsa"], container, ["HOME": "/nowhere"]),
            expected: .container(ContainerCredentialsEndpoint(url: "http://169.254.170.2/v2/credentials/x"))),
        Case(
            label: "AWS_PROFILE beats the container", env: merge(["AWS_PROFILE": "dev"], container, home),
            expected: .sharedFiles(profile: "dev", dev)),
        Case(
            label: "the default profile beats the container", env: merge(container, home),
            expected: .sharedFiles(
                profile: "default", AWSCredentials(accessKeyId: "AKIDDEFAULT", secretAccessKey: "default-secret"))),
        Case(
            label: "AWS_DEFAULT_PROFILE when AWS_PROFILE is unset", env: merge(["AWS_DEFAULT_PROFILE": "dev"], home),
            expected: .sharedFiles(profile: "dev", dev)),
        Case(
            label: "keys in the config file", env: merge(["AWS_PROFILE": "fromconfig"], home),
            expected: .sharedFiles(
                profile: "fromconfig", AWSCredentials(accessKeyId: "AKIDCONFIG", secretAccessKey: "config-secret"))),
        Case(
            label: "AWS_SHARED_CREDENTIALS_FILE moves the file",
            env: merge(["AWS_SHARED_CREDENTIALS_FILE": "/elsewhere/creds"], home),
            expected: .sharedFiles(
                profile: "default", AWSCredentials(accessKeyId: "AKIDELSEWHERE", secretAccessKey: "s"))),
        Case(
            label: "role_arn + source_profile assumes the role", env: merge(["AWS_PROFILE": "admin"], home),
            expected: .assumeRole(
                AssumeRoleSource(
                    profile: "admin", roleArn: "arn:aws:iam::1:role/admin", sessionName: "me", externalId: "ext-1",
                    durationSeconds: 1800,
                    sourceProfile: "dev", sourceCredentials: dev))),
        Case(
            label: "a profile's web_identity_token_file", env: merge(["AWS_PROFILE": "eks"], home),
            expected: .webIdentity(WebIdentitySource(roleArn: "arn:aws:iam::1:role/eks", tokenFile: "/tokens/eks"))),
        Case(
            label: "a profile without credentials falls through to the container",
            env: merge(["AWS_PROFILE": "regiononly"], container, home),
            expected: .container(ContainerCredentialsEndpoint(url: "http://169.254.170.2/v2/credentials/x"))),
        Case(
            label: "the container beats instance metadata", env: merge(container, ["HOME": "/nowhere"]),
            expected: .container(ContainerCredentialsEndpoint(url: "http://169.254.170.2/v2/credentials/x"))),
        Case(label: "instance metadata last", env: ["HOME": "/nowhere"], expected: imdsDefault),
        Case(
            label: "instance metadata at AWS_EC2_METADATA_SERVICE_ENDPOINT",
            env: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:9999", "HOME": "/nowhere"],
            expected: .instanceMetadata(
                InstanceMetadataEndpoint(endpoint: ServiceEndpoint(scheme: "http", host: "127.0.0.1", port: 9999)))),
    ]

    static func resolve(_ env: [String: String]) -> Result<CredentialSource, ConfigError> {
        CredentialSource.resolve(environment: env, readFile: { files[$0].map { Array($0.utf8) } })
    }

    @Test("winner", arguments: cases)
    func winner(_ c: Case) throws {
        #expect(try Self.resolve(c.env).get() == c.expected)
    }

    @Test(
        "refusals",
        arguments: [
            (
                ["AWS_PROFILE": "nope"],
                "AWS_PROFILE names profile nope, which neither /home/u/.aws/credentials nor /home/u/.aws/config defines"
            ),
            (["AWS_PROFILE": "half"], "profile half must set aws_access_key_id and aws_secret_access_key together"),
            (
                ["AWS_PROFILE": "chained"],
                "profile chained: chained role assumption (source_profile admin assumes a role) is not supported"
            ),
            (
                ["AWS_PROFILE": "instance"],
                "profile instance: credential_source = Ec2InstanceMetadata is not supported; use source_profile, or drop AWS_PROFILE so the environment's own source is used"
            ),
        ])
    func refusals(env: [String: String], message: String) {
        #expect(Self.resolve(Self.merge(env, Self.home)) == .failure(ConfigError(message)))
    }

    @Test func nothingAtAllWhenInstanceMetadataIsOff() {
        guard case .failure(let error) = Self.resolve(Self.merge(Self.noIMDS, ["HOME": "/nowhere"])) else {
            Issue.record("resolved something")
            return
        }
        #expect(error.message.hasPrefix("no AWS credentials found"))
        #expect(error.message.contains("AWS_EC2_METADATA_DISABLED=true"))
    }

    @Test func logDescriptionsHaveNoSecrets() throws {
        for env in [
            Self.merge(["AWS_PROFILE": "dev"], Self.home), Self.merge(["AWS_PROFILE": "admin"], Self.home),
            Self.webIdentity, ["HOME": "/x"],
        ] {
            let text = try Self.resolve(env).get().logDescription
            for secret in ["dev-secret", "dev-token", "AKIDDEV"] { #expect(!text.contains(secret)) }
        }
        #expect(
            try Self.resolve(Self.merge(["AWS_PROFILE": "dev"], Self.home)).get().logDescription.contains("profile dev")
        )
        #expect(
            try Self.resolve(["HOME": "/x"]).get().logDescription
                == "EC2 instance metadata (IMDSv2) at http://169.254.169.254")
    }

    @Test func webIdentitySessionName() {
        #expect(
            WebIdentitySource(roleArn: "r", tokenFile: "f").sessionName(now: 1_700_000_000.7)
                == "sagemaker-openai-gateway-1700000000")
        #expect(WebIdentitySource(roleArn: "r", tokenFile: "f", sessionName: "mine").sessionName(now: 1) == "mine")
    }
}
