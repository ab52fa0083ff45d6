import AWSSigV4
import Foundation
import Testing

@testable import TranslatorCore

@Suite("STSRequest")
struct STSRequestTests {
    static let endpoint = ServiceEndpoint(scheme: "https", host: "sts.eu-west-1.amazonaws.com")

    @Test func assumeRoleWithWebIdentityIsAnUnsignedFormPost() {
        let request = STSRequest.assumeRoleWithWebIdentity(
            endpoint: Self.endpoint, roleArn: "arn:aws:iam::123456789012:role/my role", sessionName: "s-1",
            webIdentityToken: "eyJ.a+b/c=")
        #expect(request.method == "POST")
        #expect(request.url == "https://sts.eu-west-1.amazonaws.com/")
        #expect(request.headers.map(\.name) == ["content-type"])
        #expect(request.headers[0].value == "application/x-www-form-urlencoded; charset=utf-8")
        #expect(
            String(decoding: request.body, as: UTF8.self)
                == "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fmy%20role"
                + "&RoleSessionName=s-1&WebIdentityToken=eyJ.a%2Bb%2Fc%3D")
    }

    @Test func assumeRoleCarriesOptionalFieldsAndSigns() {
        let request = STSRequest.assumeRole(
            endpoint: Self.endpoint, roleArn: "arn:aws:iam::1:role/r", sessionName: "s", externalId: "ext",
            durationSeconds: 900)
        #expect(
            String(decoding: request.body, as: UTF8.self)
                == "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fr&RoleSessionName=s"
                + "&DurationSeconds=900&ExternalId=ext")
        let signed = request.signed(
            credentials: AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret"), region: "eu-west-1",
            service: .sts,
            at: Date(timeIntervalSince1970: 1_700_000_000))
        let authorization = signed.headers.first { $0.name.lowercased() == "authorization" }?.value ?? ""
        #expect(authorization.contains("Credential=AKIDEXAMPLE/20231114/eu-west-1/sts/aws4_request"))
        #expect(signed.headers.contains { $0.name == "host" && $0.value == "sts.eu-west-1.amazonaws.com" })
    }

    static let success = """
        <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <AssumeRoleWithWebIdentityResult>
            <SubjectFromWebIdentityToken>amzn1.account.AF6RHO7KZU5XRVQJGXK6HB56KR2A</SubjectFromWebIdentityToken>
            <Audience>client.5498841531868486423.1548@apps.example.com</Audience>
            <AssumedRoleUser>
              <Arn>arn:aws:sts::123456789012:assumed-role/FederatedWebIdentityRole/app1</Arn>
              <AssumedRoleId>AROACLKWSDQRAOEXAMPLE:app1</AssumedRoleId>
            </AssumedRoleUser>
            <Credentials>
              <SessionToken>AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE</SessionToken>
              <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
              <Expiration>2014-10-24T23:00:23Z</Expiration>
              <AccessKeyId>ASgeIAIOSFODNN7EXAMPLE</AccessKeyId>
            </Credentials>
            <SourceIdentity>SourceIdentityValue</SourceIdentity>
            <Provider>www.amazon.com</Provider>
          </AssumeRoleWithWebIdentityResult>
          <ResponseMetadata>
            <RequestId>ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE</RequestId>
          </ResponseMetadata>
        </AssumeRoleWithWebIdentityResponse>
        """

    @Test func parsesTheDocumentedAnswer() throws {
        let (credentials, expiration) = try STSRequest.parseCredentials(
            action: "AssumeRoleWithWebIdentity", status: 200, body: Array(Self.success.utf8)
        ).get()
        #expect(
            credentials
                == AWSCredentials(
                    accessKeyId: "ASgeIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
                    sessionToken: "AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE"))
        #expect(expiration == 1_414_191_623)
    }

    @Test func wrongActionFindsNothing() {
        #expect(
            failureMessage(
                STSRequest.parseCredentials(action: "AssumeRole", status: 200, body: Array(Self.success.utf8)))
                == "STS AssumeRole answered without AccessKeyId/SecretAccessKey/SessionToken")
    }

    @Test(
        arguments: [
            (
                400,
                """
                <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                  <Error><Type>Sender</Type><Code>InvalidIdentityToken</Code><Message>Incorrect token audience</Message></Error>
                  <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
                </ErrorResponse>
                """,
                "STS AssumeRoleWithWebIdentity failed: InvalidIdentityToken: Incorrect token audience"
            ),
            (503, "", "STS AssumeRoleWithWebIdentity failed: HTTP 503"),
            (
                200,
                "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>A</AccessKeyId>"
                    + "<SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>soon</Expiration></Credentials>"
                    + "</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>",
                "STS AssumeRoleWithWebIdentity answered without a readable Expiration"
            ),
        ])
    func failures(status: Int, body: String, message: String) {
        #expect(
            failureMessage(
                STSRequest.parseCredentials(action: "AssumeRoleWithWebIdentity", status: status, body: Array(body.utf8))
            )
                == message)
    }
}

/// The error message of a failed credentials parse; nil when it succeeded.
func failureMessage(_ result: Result<(AWSCredentials, expiration: Double?), ConfigError>) -> String? {
    if case .failure(let error) = result { return error.message }
    return nil
}
