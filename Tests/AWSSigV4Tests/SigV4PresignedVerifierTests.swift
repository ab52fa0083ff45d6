import AWSSigV4
import Foundation
import Testing

/// `SigV4Verifier.verifyPresigned` against URLs presigned by the signer, then tampered with one way at a time.
@Suite("SigV4 presigned URL verifier")
struct SigV4PresignedVerifierTests {
    let now = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z
    let longTerm = AWSCredentials(accessKeyId: "AKIDLONGTERM", secretAccessKey: "long-term-secret")
    let temporary = AWSCredentials(
        accessKeyId: "ASIATEMPORARY", secretAccessKey: "temp-secret", sessionToken: "session/token+=")

    var verifier: SigV4Verifier {
        let keys = [longTerm, temporary]
        return SigV4Verifier(region: "us-east-1", service: "sagemaker") { id in
            keys.first { $0.accessKeyId == id }.map { ($0.secretAccessKey, $0.sessionToken) }
        }
    }

    func presigned(
        with credentials: AWSCredentials, at date: Date? = nil, expires: Int = 900, signSecurityToken: Bool = true,
        order: SigV4Signer.PresignParameterOrder = .expiresFirst
    ) -> SigV4Request {
        var request = SigV4Request(
            method: "POST", path: "/", query: "Action=CallWithBearerToken",
            headers: [("host", "sagemaker.amazonaws.com")])
        request.query = SigV4Signer(credentials: credentials, region: "us-east-1", service: "sagemaker")
            .presignedQuery(
                request, at: date ?? now, expires: expires, signSecurityToken: signSecurityToken, order: order)
        return request
    }

    func replacing(_ name: String, with value: String, in request: SigV4Request) -> SigV4Request {
        var copy = request
        copy.query = copy.query.split(separator: "&").map {
            $0.hasPrefix(name + "=") ? "\(name)=\(value)" : String($0)
        }.joined(separator: "&")
        return copy
    }

    @Test func presignedURLsVerify() {
        #expect(verifier.verifyPresigned(presigned(with: longTerm), now: now) == .success("AKIDLONGTERM"))
        #expect(verifier.verifyPresigned(presigned(with: temporary), now: now) == .success("ASIATEMPORARY"))
        #expect(
            verifier.verifyPresigned(presigned(with: longTerm, order: .signedHeadersFirst), now: now)
                == .success("AKIDLONGTERM"))
        // Any time from the signing time (less the skew) to its end.
        #expect(
            verifier.verifyPresigned(presigned(with: longTerm), now: now.addingTimeInterval(900))
                == .success("AKIDLONGTERM"))
        #expect(
            verifier.verifyPresigned(presigned(with: longTerm), now: now.addingTimeInterval(-14 * 60))
                == .success("AKIDLONGTERM"))
    }

    @Test func expiredOrFutureURLIsRejected() {
        #expect(
            verifier.verifyPresigned(presigned(with: longTerm), now: now.addingTimeInterval(901))
                == .failure(.requestExpired))
        #expect(
            verifier.verifyPresigned(presigned(with: longTerm, at: now.addingTimeInterval(16 * 60)), now: now)
                == .failure(.requestExpired))
        // A longer X-Amz-Expires is part of the signature: raising it by hand does not extend the URL's life.
        let stretched = replacing("X-Amz-Expires", with: "3600", in: presigned(with: longTerm))
        #expect(verifier.verifyPresigned(stretched, now: now.addingTimeInterval(1000)) == .failure(.signatureMismatch))
    }

    @Test(arguments: ["0", "604801", "-1", "ten", ""])
    func outOfRangeExpiresIsRejected(expires: String) {
        let request = replacing("X-Amz-Expires", with: expires, in: presigned(with: longTerm))
        guard case .failure(.malformedAuthorization) = verifier.verifyPresigned(request, now: now) else {
            Issue.record("expected malformedAuthorization for X-Amz-Expires=\(expires)")
            return
        }
    }

    @Test func tamperedQueryIsRejected() {
        let action = replacing("Action", with: "SomethingElse", in: presigned(with: longTerm))
        #expect(verifier.verifyPresigned(action, now: now) == .failure(.signatureMismatch))
        var added = presigned(with: longTerm)
        added.query += "&Extra=1"
        #expect(verifier.verifyPresigned(added, now: now) == .failure(.signatureMismatch))
        var method = presigned(with: longTerm)
        method.method = "GET"
        #expect(verifier.verifyPresigned(method, now: now) == .failure(.signatureMismatch))
        let signature = replacing(
            "X-Amz-Signature", with: String(repeating: "0", count: 64), in: presigned(with: longTerm))
        #expect(verifier.verifyPresigned(signature, now: now) == .failure(.signatureMismatch))
    }

    @Test func securityTokenIsChecked() {
        // An unsigned token (appended after the signature) is not what was signed.
        #expect(
            verifier.verifyPresigned(presigned(with: temporary, signSecurityToken: false), now: now)
                == .failure(.signatureMismatch))
        var noToken = temporary
        noToken.sessionToken = nil
        #expect(verifier.verifyPresigned(presigned(with: noToken), now: now) == .failure(.missingSecurityToken))
        var wrongToken = temporary
        wrongToken.sessionToken = "another"
        #expect(verifier.verifyPresigned(presigned(with: wrongToken), now: now) == .failure(.invalidSecurityToken))
    }

    @Test func unknownKeyAndWrongSecretAreRejected() {
        let stranger = AWSCredentials(accessKeyId: "AKIDSTRANGER", secretAccessKey: "x")
        #expect(
            verifier.verifyPresigned(presigned(with: stranger), now: now) == .failure(.unknownAccessKey("AKIDSTRANGER"))
        )
        let wrong = AWSCredentials(accessKeyId: "AKIDLONGTERM", secretAccessKey: "guessed")
        #expect(verifier.verifyPresigned(presigned(with: wrong), now: now) == .failure(.signatureMismatch))
    }

    @Test func wrongScopeIsRejected() {
        let otherRegion = SigV4Verifier(region: "eu-west-1", service: "sagemaker") { _ in ("long-term-secret", nil) }
        guard case .failure(.scopeMismatch) = otherRegion.verifyPresigned(presigned(with: longTerm), now: now) else {
            Issue.record("expected scopeMismatch for the region")
            return
        }
        let otherService = SigV4Verifier(region: "us-east-1", service: "bedrock") { _ in ("long-term-secret", nil) }
        guard case .failure(.scopeMismatch) = otherService.verifyPresigned(presigned(with: longTerm), now: now) else {
            Issue.record("expected scopeMismatch for the service")
            return
        }
    }

    @Test func missingParametersAreRejected() {
        var bare = presigned(with: longTerm)
        bare.query = "Action=CallWithBearerToken"
        #expect(verifier.verifyPresigned(bare, now: now) == .failure(.missingAuthorization))

        for name in ["X-Amz-Credential", "X-Amz-SignedHeaders", "X-Amz-Signature"] {
            var request = presigned(with: longTerm)
            request.query = request.query.split(separator: "&").filter { !$0.hasPrefix(name + "=") }
                .joined(separator: "&")
            guard case .failure(.malformedAuthorization) = verifier.verifyPresigned(request, now: now) else {
                Issue.record("expected malformedAuthorization without \(name)")
                continue
            }
        }
        let noDate = replacing("X-Amz-Date", with: "yesterday", in: presigned(with: longTerm))
        #expect(verifier.verifyPresigned(noDate, now: now) == .failure(.missingDate))
        let algorithm = replacing("X-Amz-Algorithm", with: "AWS4-HMAC-SHA1", in: presigned(with: longTerm))
        guard case .failure(.malformedAuthorization) = verifier.verifyPresigned(algorithm, now: now) else {
            Issue.record("expected malformedAuthorization for the algorithm")
            return
        }
        var twice = presigned(with: longTerm)
        twice.query += "&X-Amz-Date=20150830T123600Z"
        guard case .failure(.malformedAuthorization) = verifier.verifyPresigned(twice, now: now) else {
            Issue.record("expected malformedAuthorization for a repeated parameter")
            return
        }
    }

    @Test func signedHeaderMustBePresent() {
        var request = presigned(with: longTerm)
        request.headers = []
        guard case .failure(.malformedAuthorization) = verifier.verifyPresigned(request, now: now) else {
            Issue.record("expected malformedAuthorization without the signed host header")
            return
        }
    }
}
