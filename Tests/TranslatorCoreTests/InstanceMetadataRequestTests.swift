import AWSSigV4
import Testing

@testable import TranslatorCore

@Suite("InstanceMetadataRequest and InstanceMetadataEndpoint")
struct InstanceMetadataRequestTests {
    static let endpoint = InstanceMetadataEndpoint.ipv4

    @Test func theThreeSteps() {
        let token = InstanceMetadataRequest.token(endpoint: Self.endpoint)
        #expect(token.method == "PUT")
        #expect(token.url == "http://169.254.169.254/latest/api/token")
        #expect(token.headers.contains { $0.name == "X-aws-ec2-metadata-token-ttl-seconds" && $0.value == "21600" })
        let role = InstanceMetadataRequest.roleName(endpoint: Self.endpoint, token: "tok")
        #expect(role.method == "GET")
        #expect(role.url == "http://169.254.169.254/latest/meta-data/iam/security-credentials/")
        #expect(role.headers.map { "\($0.name): \($0.value)" } == ["X-aws-ec2-metadata-token: tok"])
        let creds = InstanceMetadataRequest.credentials(endpoint: Self.endpoint, token: "tok", role: "my-role")
        #expect(creds.url == "http://169.254.169.254/latest/meta-data/iam/security-credentials/my-role")
        #expect(creds.headers.map { "\($0.name): \($0.value)" } == ["X-aws-ec2-metadata-token: tok"])
    }

    @Test func roleName() throws {
        #expect(try InstanceMetadataRequest.parseRoleName(Array("my-role\n".utf8)).get() == "my-role")
        #expect(try InstanceMetadataRequest.parseRoleName(Array("first\nsecond".utf8)).get() == "first")
        #expect(throws: ConfigError.self) { try InstanceMetadataRequest.parseRoleName(Array("\n".utf8)).get() }
    }

    @Test func credentials() throws {
        let body = #"""
            {"Code":"Success","LastUpdated":"2026-11-25T19:00:00Z","Type":"AWS-HMAC","AccessKeyId":"ASIAEXAMPLE",
             "SecretAccessKey":"secret","Token":"token","Expiration":"2026-11-25T20:00:00Z"}
            """#
        let (credentials, expiration) = try InstanceMetadataRequest.parseCredentials(Array(body.utf8)).get()
        #expect(
            credentials == AWSCredentials(accessKeyId: "ASIAEXAMPLE", secretAccessKey: "secret", sessionToken: "token"))
        #expect(expiration == 1_795_636_800)
    }

    @Test(
        arguments: [
            (
                #"{"Code":"AssumeRoleUnauthorizedAccess","Message":"denied"}"#,
                "instance metadata credentials: AssumeRoleUnauthorizedAccess: denied"
            ),
            ("<html>", "instance metadata credentials answered with something that is not JSON"),
            (#"{"Code":"Success"}"#, "instance metadata credentials: no AccessKeyId/SecretAccessKey"),
        ])
    func refusals(body: String, message: String) {
        #expect(failureMessage(InstanceMetadataRequest.parseCredentials(Array(body.utf8))) == message)
    }

    @Test(
        arguments: [
            ([:], "http://169.254.169.254"),
            (["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "IPv6"], "http://[fd00:ec2::254]"),
            (["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:1338/"], "http://127.0.0.1:1338"),
            (["AWS_EC2_METADATA_DISABLED": "false"], "http://169.254.169.254"),
        ])
    func endpoint(env: [String: String], url: String) throws {
        let endpoint = try #require(try InstanceMetadataEndpoint.resolve(environment: env).get())
        #expect(endpoint.endpoint.url(path: "") == url)
    }

    @Test(arguments: ["true", "TRUE", " True "])
    func disabled(_ value: String) throws {
        #expect(try InstanceMetadataEndpoint.resolve(environment: ["AWS_EC2_METADATA_DISABLED": value]).get() == nil)
    }

    @Test func badSettings() {
        #expect(throws: ConfigError.self) {
            try InstanceMetadataEndpoint.resolve(environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": "169.254.169.254"])
                .get()
        }
        #expect(throws: ConfigError.self) {
            try InstanceMetadataEndpoint.resolve(environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "IPv5"]).get()
        }
    }
}
