import AWSSigV4
import Foundation
import Testing

@testable import TranslatorCore

@Suite("AWSHTTPRequest.signed")
struct AWSHTTPRequestTests {
    static let date = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z
    static let temporary = AWSCredentials(
        accessKeyId: "ASIAEXAMPLEEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        sessionToken: "IQoJb3JpZ2luX2VjEXAMPLE//token+with/odd=chars")
    static let longTerm = AWSCredentials(
        accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")

    static func value(_ request: AWSHTTPRequest, _ name: String) -> String? {
        request.headers.first { $0.name.lowercased() == name }?.value
    }

    @Test func addsHostDateTokenAndAuthorization() throws {
        let sagemaker = ServiceEndpoint(scheme: "https", host: "runtime.sagemaker.us-east-1.amazonaws.com")
        let request = SageMakerInvocation.request(
            endpoint: sagemaker, route: ModelRoute(id: "m", endpoint: "e", inferenceComponent: "ic"),
            body: Array("{}".utf8),
            stream: true)
        let signed = request.signed(
            credentials: Self.temporary, region: "us-east-1", service: .sagemakerRuntime, at: Self.date)
        #expect(signed.headers.first?.name == "host")
        #expect(Self.value(signed, "host") == "runtime.sagemaker.us-east-1.amazonaws.com")
        #expect(Self.value(signed, "x-amz-date") == "20150830T123600Z")
        #expect(Self.value(signed, "x-amz-security-token") == Self.temporary.sessionToken)
        let authorization = try #require(Self.value(signed, "authorization"))
        #expect(
            authorization.hasPrefix(
                "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLEEXAMPLE/20150830/us-east-1/sagemaker/aws4_request, "))
        #expect(
            authorization.contains(
                "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amzn-sagemaker-accept;"
                    + "x-amzn-sagemaker-inference-component, "))
        #expect(!authorization.contains(Self.temporary.secretAccessKey))
        // The original headers are kept, in order, after host; the body and path are untouched.
        #expect(
            Array(signed.headers.dropFirst().prefix(request.headers.count).map(\.name)) == request.headers.map(\.name))
        #expect(signed.body == request.body)
        #expect(signed.url == request.url)
    }

    @Test func noTokenHeaderForLongTermKeys() throws {
        let endpoint = ServiceEndpoint(scheme: "http", host: "localhost", port: 4566)
        let signed = SecretsManagerRequest.getSecretValue(endpoint: endpoint, secretId: "keys")
            .signed(credentials: Self.longTerm, region: "eu-west-1", service: .secretsManager, at: Self.date)
        #expect(Self.value(signed, "host") == "localhost:4566")
        #expect(Self.value(signed, "x-amz-security-token") == nil)
        let authorization = try #require(Self.value(signed, "authorization"))
        #expect(authorization.contains("Credential=AKIDEXAMPLE/20150830/eu-west-1/secretsmanager/aws4_request, "))
        #expect(authorization.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-target, "))
    }

    // MARK: - botocore cross-check

    struct Vector: Sendable, CustomTestStringConvertible {
        var label: String
        var request: AWSHTTPRequest
        var service: AWSService
        var region: String
        var credentials: AWSCredentials
        var testDescription: String { label }
    }

    static let vectors: [Vector] = [
        Vector(
            label: "SageMaker streaming invocation with an inference component",
            request:
                SageMakerInvocation.request(
                    endpoint: ServiceEndpoint(scheme: "https", host: "runtime.sagemaker.us-west-2.amazonaws.com"),
                    route: ModelRoute(
                        id: "llama-3-8b", endpoint: "shared-endpoint", inferenceComponent: "llama-ic",
                        customAttributes: "trace=1;  note=a  b"),
                    body: Array(#"{"messages":[{"role":"user","content":"héllo"}],"stream":true}"#.utf8), stream: true),
            service: .sagemakerRuntime, region: "us-west-2", credentials: temporary),
        Vector(
            label: "Secrets Manager GetSecretValue",
            request:
                SecretsManagerRequest.getSecretValue(
                    endpoint: ServiceEndpoint(scheme: "https", host: "secretsmanager.us-east-1.amazonaws.com"),
                    secretId: "arn:aws:secretsmanager:us-east-1:123456789012:secret:gateway/keys-AbCdEf"),
            service: .secretsManager, region: "us-east-1", credentials: longTerm),
        Vector(
            label: "SageMaker through an override with a port and a base path",
            request:
                SageMakerInvocation.request(
                    endpoint: ServiceEndpoint(scheme: "https", host: "proxy.example.com", port: 8443, basePath: "/sm"),
                    route: ModelRoute(id: "m", endpoint: "my endpoint"), body: Array("{}".utf8), stream: false),
            service: .sagemakerRuntime, region: "us-east-1", credentials: temporary),
    ]

    /// Signs with botocore's SigV4Auth (the signer boto3 and the AWS CLI use) with its clock frozen at `date`, and
    /// prints the headers it added. Both the module-level `datetime` and, where it exists, `get_current_datetime`
    /// are patched, since botocore releases read the clock through one or the other.
    static let script = #"""
        import datetime, json, sys
        from unittest import mock
        import botocore.auth
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        spec = json.loads(sys.argv[1])
        fixed = datetime.datetime(2015, 8, 30, 12, 36, 0)
        class Frozen(datetime.datetime):
            @classmethod
            def utcnow(cls): return fixed
            @classmethod
            def now(cls, tz=None): return fixed.replace(tzinfo=tz) if tz else fixed
        request = AWSRequest(method=spec["method"], url=spec["url"], data=bytes(spec["body"]),
                             headers=dict(spec["headers"]))
        creds = Credentials(spec["akid"], spec["secret"], spec["token"] or None)
        patches = [mock.patch("botocore.auth.datetime.datetime", Frozen)]
        if hasattr(botocore.auth, "get_current_datetime"):
            patches.append(mock.patch("botocore.auth.get_current_datetime", lambda *a, **k: fixed))
        for p in patches: p.start()
        try:
            SigV4Auth(creds, spec["service"], spec["region"]).add_auth(request)
        finally:
            for p in patches: p.stop()
        print(json.dumps({k.lower(): v for k, v in request.headers.items()}))
        """#

    @Test("Authorization equals botocore's", arguments: vectors)
    func matchesBotocore(_ vector: Vector) throws {
        guard Self.run(["python3", "-c", "import botocore.auth"]).status == 0 else {
            print("⚠️ SKIPPED: TranslatorCore botocore cross-check: python3 with botocore is not available")
            return
        }
        let request = vector.request
        let spec: [String: Any] = [
            "method": request.method, "url": request.url, "headers": request.headers.map { [$0.name, $0.value] },
            "body": request.body.map(Int.init), "akid": vector.credentials.accessKeyId,
            "secret": vector.credentials.secretAccessKey, "token": vector.credentials.sessionToken ?? "",
            "service": vector.service.signingName, "region": vector.region,
        ]
        let specJSON = String(decoding: try JSONSerialization.data(withJSONObject: spec), as: UTF8.self)
        let result = Self.run(["python3", "-c", Self.script, specJSON])
        try #require(result.status == 0, "botocore failed: \(result.stderr)")
        let botocore = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: String], "\(result.stdout)")

        let signed = request.signed(
            credentials: vector.credentials, region: vector.region, service: vector.service, at: Self.date)
        #expect(Self.value(signed, "x-amz-date") == botocore["x-amz-date"])
        #expect(Self.value(signed, "x-amz-security-token") == botocore["x-amz-security-token"])
        #expect(Self.value(signed, "authorization") != nil)
        #expect(Self.value(signed, "authorization") == botocore["authorization"])
    }

    static func run(_ arguments: [String]) -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch { return (-1, "", "\(error)") }
        // The script writes little to stderr (a traceback at most), so reading stdout first cannot deadlock.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self)
        )
    }
}
