import AWSSigV4
import Foundation
import Testing

/// Our signer against botocore's `SigV4Auth`, the signer the AWS CLI and boto3 use, run in a subprocess with its
/// clock frozen. Skipped (loudly) when python3 or botocore is not installed.
@Suite("botocore cross-check")
struct BotocoreCrossCheckTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        var label: String
        var path: String
        var query: String
        var headers: [String: String]
        var body: String
        var testDescription: String { label }
    }

    static let vectors = [
        Vector(
            label: "SageMaker InvokeEndpointWithResponseStream",
            path: "/endpoints/my-endpoint/invocations-response-stream", query: "",
            headers: ["Content-Type": "application/json", "X-Amzn-SageMaker-Accept": "application/json"],
            body: #"{"messages":[{"role":"user","content":"Hello"}],"stream":true,"max_tokens":64}"#),
        // An escaped path (signed double-encoded), a query (botocore signs it as sent, so it is given in canonical
        // form), and a header whose inner spaces must collapse.
        Vector(
            label: "escaped path, query and spaced header",
            path: "/endpoints/my%20endpoint/invocations", query: "b=2&a=x%20y%2F1",
            headers: [
                "Content-Type": "application/json",
                "X-Amzn-SageMaker-Custom-Attributes": "trace=1;   note=a  b",
                "X-Amzn-SageMaker-Inference-Component": "llama-ic",
            ],
            body: #"{"inputs":"héllo"}"#),
    ]

    static let host = "runtime.sagemaker.us-east-1.amazonaws.com"
    static let credentials = AWSCredentials(
        accessKeyId: "ASIAEXAMPLEEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        sessionToken: "IQoJb3JpZ2luX2VjEXAMPLE//token+with/odd=chars")
    static let date = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z

    /// Signs with botocore, clock frozen at `date`, and prints the resulting headers as JSON.
    /// `get_current_datetime` is what `SigV4Auth.add_auth` reads in current botocore; older releases call
    /// `datetime.datetime.utcnow()` directly, so both are patched.
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
        url = "https://" + spec["host"] + spec["path"] + ("?" + spec["query"] if spec["query"] else "")
        request = AWSRequest(method="POST", url=url, data=spec["body"].encode("utf-8"), headers=spec["headers"])
        creds = Credentials(spec["akid"], spec["secret"], spec["token"])
        patches = [mock.patch("botocore.auth.datetime.datetime", Frozen)]
        if hasattr(botocore.auth, "get_current_datetime"):
            patches.append(mock.patch("botocore.auth.get_current_datetime", lambda *a, **k: fixed))
        for p in patches: p.start()
        try:
            SigV4Auth(creds, "sagemaker", "us-east-1").add_auth(request)
        finally:
            for p in patches: p.stop()
        print(json.dumps({k.lower(): v for k, v in request.headers.items()}))
        """#

    @Test("authorization header equals botocore's", arguments: vectors)
    func matchesBotocore(vector: Vector) throws {
        guard Subprocess.botocoreAvailable(for: "botocore cross-check") else { return }
        let spec: [String: Any] = [
            "host": Self.host, "path": vector.path, "query": vector.query, "headers": vector.headers,
            "body": vector.body,
            "akid": Self.credentials.accessKeyId, "secret": Self.credentials.secretAccessKey,
            "token": Self.credentials.sessionToken ?? "",
        ]
        let specJSON = String(decoding: try JSONSerialization.data(withJSONObject: spec), as: UTF8.self)
        let result = Subprocess.run(["python3", "-c", Self.script, specJSON])
        try #require(result.status == 0, "botocore failed: \(result.stderr)")
        let botocore = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: String], "\(result.stdout)")

        let request = SigV4Request(
            method: "POST", path: vector.path, query: vector.query,
            headers: [("Host", Self.host)] + vector.headers.map { ($0.key, $0.value) }, body: Array(vector.body.utf8))
        let ours = SigV4Signer(credentials: Self.credentials, region: "us-east-1", service: "sagemaker")
            .sign(request, at: Self.date)
        let oursByName = Dictionary(
            ours.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })

        #expect(oursByName["x-amz-date"] == botocore["x-amz-date"])
        #expect(oursByName["x-amz-security-token"] == botocore["x-amz-security-token"])
        #expect(oursByName["authorization"] != nil)
        #expect(oursByName["authorization"] == botocore["authorization"])
    }
}
