import AWSSigV4
import Foundation
import Testing

/// The verifier against requests made by the signer, then tampered with one way at a time.
@Suite("SigV4 verifier")
struct SigV4VerifierTests {
    let now = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z
    let longTerm = AWSCredentials(accessKeyId: "AKIDLONGTERM", secretAccessKey: "long-term-secret")
    let temporary = AWSCredentials(
        accessKeyId: "ASIATEMPORARY", secretAccessKey: "temp-secret", sessionToken: "session-token")

    var verifier: SigV4Verifier {
        let keys = [longTerm, temporary]
        return SigV4Verifier(region: "us-east-1", service: "sagemaker") { id in
            keys.first { $0.accessKeyId == id }.map { ($0.secretAccessKey, $0.sessionToken) }
        }
    }

    func unsigned() -> SigV4Request {
        SigV4Request(
            method: "POST", path: "/endpoints/my-endpoint/invocations-response-stream",
            headers: [
                ("Host", "runtime.sagemaker.us-east-1.amazonaws.com"), ("Content-Type", "application/json"),
                ("X-Amzn-SageMaker-Accept", "application/json"),
            ],
            body: Array(#"{"inputs":"hello"}"#.utf8))
    }

    func signed(
        with credentials: AWSCredentials, region: String = "us-east-1", at date: Date? = nil,
        includeContentSHA256: Bool = false, signSecurityToken: Bool = true
    ) -> SigV4Request {
        var request = unsigned()
        request.headers += SigV4Signer(credentials: credentials, region: region, service: "sagemaker")
            .sign(
                request, at: date ?? now, includeContentSHA256: includeContentSHA256,
                signSecurityToken: signSecurityToken)
        return request
    }

    func replacing(_ name: String, with value: String, in request: SigV4Request) -> SigV4Request {
        var copy = request
        copy.headers = copy.headers.map { $0.name.lowercased() == name.lowercased() ? ($0.name, value) : $0 }
        return copy
    }

    @Test func signedRequestsVerify() {
        #expect(verifier.verify(signed(with: longTerm), now: now) == .success("AKIDLONGTERM"))
        #expect(verifier.verify(signed(with: temporary), now: now) == .success("ASIATEMPORARY"))
        #expect(
            verifier.verify(signed(with: temporary, signSecurityToken: false), now: now) == .success("ASIATEMPORARY"))
        #expect(
            verifier.verify(signed(with: longTerm, includeContentSHA256: true), now: now) == .success("AKIDLONGTERM"))
        // Within the allowed skew on either side.
        #expect(
            verifier.verify(signed(with: longTerm), now: now.addingTimeInterval(14 * 60)) == .success("AKIDLONGTERM"))
        #expect(
            verifier.verify(signed(with: longTerm), now: now.addingTimeInterval(-14 * 60)) == .success("AKIDLONGTERM"))
    }

    @Test func anyRegionWhenUnset() {
        let anyRegion = SigV4Verifier(region: nil, service: "sagemaker") { _ in ("long-term-secret", nil) }
        #expect(anyRegion.verify(signed(with: longTerm, region: "eu-west-1"), now: now) == .success("AKIDLONGTERM"))
    }

    @Test func tamperedBodyIsRejected() {
        var request = signed(with: longTerm)
        request.body = Array(#"{"inputs":"HELLO"}"#.utf8)
        #expect(verifier.verify(request, now: now) == .failure(.signatureMismatch))

        var declared = signed(with: longTerm, includeContentSHA256: true)
        declared.body.append(0x20)
        #expect(verifier.verify(declared, now: now) == .failure(.signatureMismatch))
    }

    @Test func tamperedSignedHeaderIsRejected() {
        let request = replacing("X-Amzn-SageMaker-Accept", with: "text/plain", in: signed(with: longTerm))
        #expect(verifier.verify(request, now: now) == .failure(.signatureMismatch))
        // Whitespace the canonical form removes is not tampering.
        let spaced = replacing("Content-Type", with: "  application/json ", in: signed(with: longTerm))
        #expect(verifier.verify(spaced, now: now) == .success("AKIDLONGTERM"))
    }

    @Test func tamperedPathOrQueryIsRejected() {
        var path = signed(with: longTerm)
        path.path = "/endpoints/other-endpoint/invocations-response-stream"
        #expect(verifier.verify(path, now: now) == .failure(.signatureMismatch))
        var query = signed(with: longTerm)
        query.query = "x=1"
        #expect(verifier.verify(query, now: now) == .failure(.signatureMismatch))
    }

    @Test func unsignedHeaderMayChange() {
        var request = signed(with: longTerm)
        request.headers.append(("User-Agent", "added-by-a-proxy"))
        #expect(verifier.verify(request, now: now) == .success("AKIDLONGTERM"))
    }

    @Test func tamperedSignatureIsRejected() throws {
        let request = signed(with: longTerm)
        let authorization = try #require(request.value(of: "authorization"))
        let last = authorization.last == "0" ? "1" : "0"
        let forged = replacing("Authorization", with: String(authorization.dropLast()) + last, in: request)
        #expect(verifier.verify(forged, now: now) == .failure(.signatureMismatch))
    }

    @Test func unknownKeyIsRejected() {
        let stranger = AWSCredentials(accessKeyId: "AKIDSTRANGER", secretAccessKey: "x")
        #expect(verifier.verify(signed(with: stranger), now: now) == .failure(.unknownAccessKey("AKIDSTRANGER")))
    }

    @Test func wrongSecretIsRejected() {
        let wrong = AWSCredentials(accessKeyId: "AKIDLONGTERM", secretAccessKey: "guessed")
        #expect(verifier.verify(signed(with: wrong), now: now) == .failure(.signatureMismatch))
    }

    @Test func expiredOrFutureDateIsRejected() {
        #expect(
            verifier.verify(signed(with: longTerm), now: now.addingTimeInterval(16 * 60)) == .failure(.requestExpired))
        #expect(
            verifier.verify(signed(with: longTerm, at: now.addingTimeInterval(16 * 60)), now: now)
                == .failure(.requestExpired))
    }

    @Test func missingOrBadDateIsRejected() {
        var request = signed(with: longTerm)
        request.headers.removeAll { $0.name.lowercased() == "x-amz-date" }
        #expect(verifier.verify(request, now: now) == .failure(.missingDate))
        #expect(
            verifier.verify(replacing("X-Amz-Date", with: "yesterday", in: signed(with: longTerm)), now: now)
                == .failure(.missingDate))
    }

    @Test func wrongScopeIsRejected() {
        guard
            case .failure(.scopeMismatch(let message)) = verifier.verify(
                signed(with: longTerm, region: "us-west-2"), now: now)
        else {
            Issue.record("expected scopeMismatch")
            return
        }
        #expect(message.contains("us-west-2"))

        let otherService = SigV4Verifier(region: "us-east-1", service: "s3") { _ in ("long-term-secret", nil) }
        guard case .failure(.scopeMismatch) = otherService.verify(signed(with: longTerm), now: now) else {
            Issue.record("expected scopeMismatch for the service")
            return
        }
        // The scope date must be the date of x-amz-date.
        let request = signed(with: longTerm)
        let authorization = request.value(of: "authorization") ?? ""
        let shifted = replacing(
            "Authorization", with: authorization.replacingOccurrences(of: "/20150830/", with: "/20150831/"), in: request
        )
        guard case .failure(.scopeMismatch) = verifier.verify(shifted, now: now) else {
            Issue.record("expected scopeMismatch for the date")
            return
        }
    }

    @Test func securityTokenIsChecked() {
        var missing = signed(with: temporary, signSecurityToken: false)
        missing.headers.removeAll { $0.name.lowercased() == "x-amz-security-token" }
        #expect(verifier.verify(missing, now: now) == .failure(.missingSecurityToken))

        var wrongToken = temporary
        wrongToken.sessionToken = "another-token"
        #expect(verifier.verify(signed(with: wrongToken), now: now) == .failure(.invalidSecurityToken))

        var tokenOnLongTermKey = longTerm
        tokenOnLongTermKey.sessionToken = "made-up"
        #expect(verifier.verify(signed(with: tokenOnLongTermKey), now: now) == .failure(.invalidSecurityToken))
    }

    @Test func missingAuthorizationIsRejected() {
        var request = unsigned()
        request.headers.append(("X-Amz-Date", "20150830T123600Z"))
        #expect(verifier.verify(request, now: now) == .failure(.missingAuthorization))
    }

    @Test(arguments: [
        "Bearer abc",
        "AWS4-HMAC-SHA256 Credential=AKIDLONGTERM/20150830/us-east-1/sagemaker/aws4_request, SignedHeaders=host;x-amz-date",
        "AWS4-HMAC-SHA256 Credential=AKIDLONGTERM/20150830/us-east-1/aws4_request, SignedHeaders=host;x-amz-date, Signature="
            + String(repeating: "a", count: 64),
        "AWS4-HMAC-SHA256 Credential=AKIDLONGTERM/20150830/us-east-1/sagemaker/aws4_request, SignedHeaders=host;x-amz-date, Signature=XYZ",
        "AWS4-HMAC-SHA256 Credential=AKIDLONGTERM/20150830/us-east-1/sagemaker/aws4_request, SignedHeaders=x-amz-date, Signature="
            + String(repeating: "a", count: 64),
        "AWS4-HMAC-SHA256 Credential=AKIDLONGTERM/20150830/us-east-1/sagemaker/aws4_request, SignedHeaders=host;x-missing;x-amz-date, Signature="
            + String(repeating: "a", count: 64),
    ])
    func malformedAuthorizationIsRejected(header: String) {
        var request = unsigned()
        request.headers += [("X-Amz-Date", "20150830T123600Z"), ("Authorization", header)]
        guard case .failure(.malformedAuthorization) = verifier.verify(request, now: now) else {
            Issue.record("expected malformedAuthorization for \(header), got \(verifier.verify(request, now: now))")
            return
        }
    }

    @Test func authorizationParses() {
        let parsed = SigV4Authorization.parse(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature="
                + String(repeating: "0", count: 64))
        #expect(
            parsed
                == .success(
                    SigV4Authorization(
                        accessKeyId: "AKIDEXAMPLE", dateStamp: "20150830", region: "us-east-1", service: "service",
                        terminator: "aws4_request", signedHeaders: ["host", "x-amz-date"],
                        signature: String(repeating: "0", count: 64))))
    }
}
