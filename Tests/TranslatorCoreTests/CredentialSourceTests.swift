import AWSSigV4
import Testing

@testable import TranslatorCore

@Suite("CredentialSource.resolve")
struct CredentialSourceTests {
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    static let token = "IQoJb3JpZ2luX2VjEXAMPLETOKEN"

    @Test func environmentKeys() throws {
        let plain = try CredentialSource.resolve(
            environment: ["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": Self.secret]
        ).get()
        #expect(plain == .environment(AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: Self.secret)))
        let emptyToken = try CredentialSource.resolve(
            environment: [
                "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": Self.secret, "AWS_SESSION_TOKEN": "",
            ]
        ).get()
        #expect(emptyToken == plain)
        let session = try CredentialSource.resolve(
            environment: [
                "AWS_ACCESS_KEY_ID": "ASIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": Self.secret,
                "AWS_SESSION_TOKEN": Self.token,
                // Environment keys come before the container endpoint.
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/x",
            ]
        ).get()
        #expect(
            session
                == .environment(
                    AWSCredentials(accessKeyId: "ASIAEXAMPLE", secretAccessKey: Self.secret, sessionToken: Self.token)))
    }

    @Test(
        arguments: [
            ["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE"], ["AWS_SECRET_ACCESS_KEY": "s"],
            ["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": ""],
            ["AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "s", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/x"],
        ])
    func halfSetKeysAreAnError(_ env: [String: String]) {
        #expect(
            CredentialSource.resolve(environment: env)
                == .failure(ConfigError("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together")))
    }

    @Test func nothingConfiguredIsAnError() {
        for env in [
            ["AWS_EC2_METADATA_DISABLED": "true"],
            [
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "",
                "AWS_EC2_METADATA_DISABLED": "true",
            ],
        ] {
            guard case .failure(let error) = CredentialSource.resolve(environment: env) else {
                Issue.record("resolved credentials from \(env)")
                continue
            }
            #expect(error.message.hasPrefix("no AWS credentials found"))
        }
    }

    @Test(
        "relative URI goes to the ECS host",
        arguments: [
            ("/v2/credentials/abc-123", "http://169.254.170.2/v2/credentials/abc-123"),
            ("v2/credentials/abc", "http://169.254.170.2/v2/credentials/abc"),
        ])
    func relativeURI(relative: String, url: String) throws {
        let source = try CredentialSource.resolve(
            environment: [
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": relative,
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1/x",
            ]
        ).get()
        #expect(source == .container(ContainerCredentialsEndpoint(url: url)))
    }

    @Test(
        "full URI allowed",
        arguments: [
            "http://127.0.0.1:1338/creds", "http://127.1.2.3/creds", "http://localhost/creds", "http://[::1]:80/creds",
            "http://169.254.170.2/v2/credentials", "http://169.254.170.23/v1/credentials",
            "http://[fd00:ec2::23]/v1/credentials",
            "https://creds.example.com/get", "https://10.0.0.1:8443/x",
        ])
    func fullURIAllowed(_ url: String) throws {
        let source = try CredentialSource.resolve(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": url]).get()
        #expect(source == .container(ContainerCredentialsEndpoint(url: url)))
    }

    @Test(
        "full URI over http to other hosts refused",
        arguments: [
            "http://creds.example.com/get", "http://10.0.0.1/x", "http://169.254.169.254/latest",
            "http://127.example.com/x",
            "http://127.0.0.1.nip.io/x", "http://[fd00:ec2::24]/x", "http://128.0.0.1/x",
        ])
    func fullURIRefused(_ url: String) {
        guard
            case .failure(let error) = CredentialSource.resolve(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": url]
            )
        else {
            Issue.record("\(url) accepted")
            return
        }
        #expect(
            error.message.hasPrefix("AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to a loopback address"))
    }

    @Test func fullURIGarbageRefused() {
        #expect(
            CredentialSource.resolve(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "169.254.170.2/creds"])
                == .failure(ConfigError("AWS_CONTAINER_CREDENTIALS_FULL_URI is not an http(s) URL")))
    }

    @Test func tokenAndTokenFilePassThrough() throws {
        let full = try CredentialSource.resolve(
            environment: [
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1/credentials",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE":
                    "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token",
            ]
        ).get()
        #expect(
            full
                == .container(
                    ContainerCredentialsEndpoint(
                        url: "http://169.254.170.23/v1/credentials",
                        authorizationTokenFile:
                            "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token")))
        let relative = try CredentialSource.resolve(
            environment: [
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/creds", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Basic abc",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "",
            ]
        ).get()
        #expect(
            relative
                == .container(
                    ContainerCredentialsEndpoint(url: "http://169.254.170.2/creds", authorizationToken: "Basic abc")))
    }

    @Test func logDescriptionHasNoSecrets() throws {
        let withToken = try CredentialSource.resolve(
            environment: [
                "AWS_ACCESS_KEY_ID": "ASIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": Self.secret,
                "AWS_SESSION_TOKEN": Self.token,
            ]
        ).get()
        let description = withToken.logDescription
        #expect(description.contains("environment variables"))
        #expect(description.contains("with session token"))
        #expect(!description.contains(Self.secret))
        #expect(!description.contains(Self.secret.prefix(8)))
        #expect(!description.contains(Self.token))
        #expect(!description.contains(Self.token.prefix(8)))
        #expect(!description.contains("ASIAEXAMPLE"))

        let container = try CredentialSource.resolve(
            environment: [
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/creds", "AWS_CONTAINER_AUTHORIZATION_TOKEN": Self.token,
            ]
        ).get()
        #expect(container.logDescription == "container credentials endpoint http://169.254.170.2/creds")
    }
}

@Suite("ContainerCredentialsResponse and ISO8601")
struct ContainerCredentialsResponseTests {
    static func parse(_ text: String) -> Result<(AWSCredentials, expiration: Double?), ConfigError> {
        ContainerCredentialsResponse.parse(Array(text.utf8))
    }

    @Test func parsesTemporaryCredentials() throws {
        let (credentials, expiration) = try Self.parse(
            #"""
            {"RoleArn":"arn:aws:iam::123:role/task","AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"secret",
             "Token":"token","Expiration":"2026-11-25T20:00:00Z"}
            """#
        ).get()
        #expect(
            credentials == AWSCredentials(accessKeyId: "ASIAEXAMPLE", secretAccessKey: "secret", sessionToken: "token"))
        #expect(expiration == 1_795_636_800)
    }

    @Test func withoutTokenOrExpiration() throws {
        let (credentials, expiration) = try Self.parse(#"{"AccessKeyId":"AKID","SecretAccessKey":"s","Token":""}"#)
            .get()
        #expect(credentials == AWSCredentials(accessKeyId: "AKID", secretAccessKey: "s"))
        #expect(expiration == nil)
    }

    @Test(
        arguments: [
            ("not json", "container credentials endpoint answered with something that is not JSON"),
            (#"{"code":"Forbidden","message":"invalid token"}"#, "container credentials endpoint: invalid token"),
            (#"{"Message":"role not found"}"#, "container credentials endpoint: role not found"),
            (#"{"AccessKeyId":"A"}"#, "container credentials endpoint: no AccessKeyId/SecretAccessKey"),
            (
                #"{"AccessKeyId":"","SecretAccessKey":"s"}"#,
                "container credentials endpoint: no AccessKeyId/SecretAccessKey"
            ),
            (
                #"{"AccessKeyId":"A","SecretAccessKey":"s","Expiration":"tomorrow"}"#,
                "container credentials endpoint: unreadable Expiration tomorrow"
            ),
        ])
    func refuses(body: String, message: String) {
        guard case .failure(let error) = Self.parse(body) else {
            Issue.record("accepted \(body)")
            return
        }
        #expect(error == ConfigError(message))
    }

    @Test(
        arguments: [
            ("1970-01-01T00:00:00Z", 0.0), ("2026-11-25T20:00:00Z", 1_795_636_800),
            ("2026-11-25T21:00:00+01:00", 1_795_636_800),
            ("2026-11-25T20:00:00.500Z", 1_795_636_800.5), ("2015-08-30T12:36:00Z", 1_440_938_160),
            ("2024-02-29T23:59:59Z", 1_709_251_199), ("2000-03-01T00:00:00-05:30", 951_888_600),
            ("1969-12-31T23:59:59Z", -1), ("2100-12-31T00:00:00Z", 4_133_894_400),
        ])
    func iso8601(text: String, seconds: Double) {
        #expect(ISO8601.parse(text) == seconds)
    }

    @Test(arguments: [
        "", "2026-11-25", "2026-11-25 20:00:00Z", "2026-13-01T00:00:00Z", "yesterday", "2026-11-25T20:00:00",
        "2026-11-25T20:00:00.Z", "2026-11-25T24:00:00Z", "2026-11-25T20:00:00Zjunk", "2026-11-25T20:00:00+0100",
    ])
    func iso8601Rejects(_ text: String) {
        #expect(ISO8601.parse(text) == nil)
    }
}
