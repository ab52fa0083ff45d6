import AWSSigV4
import Foundation
import Testing

/// Our SageMaker bearer token against one built the way the SageMaker Python SDK's token generator builds it
/// (botocore's `SigV4QueryAuth` on `POST https://sagemaker.amazonaws.com/?Action=CallWithBearerToken`, only
/// `host` signed; `https://` dropped, `&Version=1` appended, base64, `sagemaker-api-key-` prefix), run in a
/// python3 subprocess with its clock frozen. Compared byte for byte: the decoded URL and the whole token.
/// Skipped (loudly) when python3 or botocore is not installed.
/// Reference: https://github.com/aws/sagemaker-python-sdk/blob/master/sagemaker-core/src/sagemaker/core/token_generator/token_generator.py
@Suite("SageMaker bearer token against botocore")
struct SageMakerBearerTokenBotocoreTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        var label: String
        var region: String
        var credentials: AWSCredentials
        var expiresIn: Int
        var testDescription: String { label }
    }

    static let temporary = AWSCredentials(
        accessKeyId: "ASIAEXAMPLEEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        sessionToken: "IQoJb3JpZ2luX2VjEXAMPLE//token+with/odd=chars&more")
    static let longTerm = AWSCredentials(
        accessKeyId: "AKIAEXAMPLEEXAMPLE", secretAccessKey: "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY")

    static let vectors = [
        Vector(label: "session token, 12 h, us-east-1", region: "us-east-1", credentials: temporary, expiresIn: 43_200),
        Vector(label: "long-term key, 12 h, us-east-1", region: "us-east-1", credentials: longTerm, expiresIn: 43_200),
        Vector(label: "session token, 15 min, eu-west-1", region: "eu-west-1", credentials: temporary, expiresIn: 900),
        // The presigned host stays sagemaker.amazonaws.com in other partitions; only the scope names the region.
        Vector(label: "long-term key, China", region: "cn-north-1", credentials: longTerm, expiresIn: 3600),
        Vector(label: "session token, GovCloud", region: "us-gov-west-1", credentials: temporary, expiresIn: 1),
    ]

    /// 2026-05-21T09:15:42.75Z: the fraction must be dropped, as botocore's `%Y%m%dT%H%M%SZ` drops it.
    static let date = Date(timeIntervalSince1970: 1_779_354_942.75)

    /// Builds the token as the reference does, with the clock frozen at `spec.epoch`, and prints the URL and token.
    static let script = #"""
        import base64, datetime, json, sys
        from unittest import mock
        import botocore.auth
        from botocore.auth import SigV4QueryAuth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        spec = json.loads(sys.argv[1])
        fixed = datetime.datetime.fromtimestamp(spec["epoch"], datetime.timezone.utc).replace(tzinfo=None)
        class Frozen(datetime.datetime):
            @classmethod
            def utcnow(cls): return fixed
            @classmethod
            def now(cls, tz=None): return fixed.replace(tzinfo=tz) if tz else fixed
        host = "sagemaker.amazonaws.com"
        request = AWSRequest(method="POST", url="https://" + host + "/", headers={"host": host},
                             params={"Action": "CallWithBearerToken"})
        creds = Credentials(spec["akid"], spec["secret"], spec.get("token"))
        patches = [mock.patch("botocore.auth.datetime.datetime", Frozen)]
        if hasattr(botocore.auth, "get_current_datetime"):
            patches.append(mock.patch("botocore.auth.get_current_datetime", lambda *a, **k: fixed))
        for p in patches: p.start()
        try:
            SigV4QueryAuth(creds, "sagemaker", spec["region"], expires=spec["expires"]).add_auth(request)
        finally:
            for p in patches: p.stop()
        url = request.url.replace("https://", "") + "&Version=1"
        token = "sagemaker-api-key-" + base64.b64encode(url.encode("utf-8")).decode("utf-8")
        print(json.dumps({"url": url, "token": token}))
        """#

    /// botocore's URL and token for `vector`, or nil when botocore is not there.
    static func botocore(_ vector: Vector) throws -> (url: String, token: String)? {
        guard Subprocess.botocoreAvailable(for: "SageMaker bearer token cross-check") else { return nil }
        var spec: [String: Any] = [
            "epoch": date.timeIntervalSince1970, "region": vector.region, "expires": vector.expiresIn,
            "akid": vector.credentials.accessKeyId, "secret": vector.credentials.secretAccessKey,
        ]
        if let token = vector.credentials.sessionToken { spec["token"] = token }
        let specJSON = String(decoding: try JSONSerialization.data(withJSONObject: spec), as: UTF8.self)
        let result = Subprocess.run(["python3", "-c", script, specJSON])
        try #require(result.status == 0, "botocore failed: \(result.stderr)")
        let output = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: String], "\(result.stdout)")
        return (try #require(output["url"]), try #require(output["token"]))
    }

    @Test("URL and token equal botocore's", arguments: vectors)
    func matchesBotocore(vector: Vector) throws {
        guard let reference = try Self.botocore(vector) else { return }

        let url = SageMakerBearerToken.presignedURL(
            credentials: vector.credentials, region: vector.region, at: Self.date, expiresIn: vector.expiresIn)
        #expect(url == reference.url)
        let minted = SageMakerBearerToken.mint(
            credentials: vector.credentials, region: vector.region, at: Self.date, expiresIn: vector.expiresIn)
        #expect(minted.token == reference.token)
        #expect(minted.authorization == "Bearer " + reference.token)
        #expect(minted.issuedAt == Date(timeIntervalSince1970: 1_779_354_942))
        #expect(minted.expiration == Date(timeIntervalSince1970: 1_779_354_942 + Double(vector.expiresIn)))
    }

    /// The verifier the emulator uses accepts botocore's token, so it is checked against the reference and not
    /// only against our own minting.
    @Test("botocore's token verifies", arguments: vectors)
    func botocoreTokenVerifies(vector: Vector) throws {
        guard let reference = try Self.botocore(vector) else { return }
        let credentials = vector.credentials
        let verifier = SageMakerBearerTokenVerifier(region: vector.region) { id in
            id == credentials.accessKeyId ? (credentials.secretAccessKey, credentials.sessionToken) : nil
        }
        #expect(
            verifier.verify(authorization: "Bearer " + reference.token, now: Self.date)
                == .success(
                    .init(
                        accessKeyId: credentials.accessKeyId,
                        expiration: Date(timeIntervalSince1970: 1_779_354_942 + Double(vector.expiresIn)))))
    }
}
