import AWSSigV4
import Foundation
import Testing

/// `SageMakerBearerTokenVerifier` against tokens minted by `SageMakerBearerToken.mint`, then altered one way at a
/// time: each refusal has its own error.
@Suite("SageMaker bearer token verifier")
struct SageMakerBearerTokenVerifierTests {
    let now = Date(timeIntervalSince1970: 1_779_354_942)  // 2026-05-21T09:15:42Z
    let longTerm = AWSCredentials(accessKeyId: "AKIDLONGTERM", secretAccessKey: "long-term-secret")
    let temporary = AWSCredentials(
        accessKeyId: "ASIATEMPORARY", secretAccessKey: "temp-secret", sessionToken: "session/token+=")

    var verifier: SageMakerBearerTokenVerifier {
        let keys = [longTerm, temporary]
        return SageMakerBearerTokenVerifier(region: "us-west-2") { id in
            keys.first { $0.accessKeyId == id }.map { ($0.secretAccessKey, $0.sessionToken) }
        }
    }

    func mint(_ credentials: AWSCredentials, region: String = "us-west-2", expiresIn: Int = 43_200) -> String {
        SageMakerBearerToken.mint(credentials: credentials, region: region, at: now, expiresIn: expiresIn).authorization
    }

    /// A header carrying `url` encoded as a token would be.
    func header(forURL url: String) -> String {
        "Bearer " + SageMakerBearerToken.prefix + Data(url.utf8).base64EncodedString()
    }

    func presignedURL(_ credentials: AWSCredentials) -> String {
        SageMakerBearerToken.presignedURL(credentials: credentials, region: "us-west-2", at: now, expiresIn: 43_200)
    }

    func verify(_ header: String?, at time: Date? = nil) -> Result<String, SageMakerBearerTokenError> {
        verifier.verify(authorization: header, now: time ?? now).map(\.accessKeyId)
    }

    @Test func mintedTokensVerify() {
        #expect(verify(mint(longTerm)) == .success("AKIDLONGTERM"))
        #expect(verify(mint(temporary)) == .success("ASIATEMPORARY"))
        #expect(
            verifier.verify(authorization: mint(longTerm, expiresIn: 600), now: now)
                == .success(.init(accessKeyId: "AKIDLONGTERM", expiration: now.addingTimeInterval(600))))
        // The scheme is case-insensitive and may be followed by several spaces (RFC 7235).
        let token = String(mint(longTerm).dropFirst("Bearer ".count))
        #expect(verify("bearer   " + token + " ") == .success("AKIDLONGTERM"))
        // Until the last second of its life.
        #expect(verify(mint(longTerm), at: now.addingTimeInterval(43_200)) == .success("AKIDLONGTERM"))
    }

    @Test func missingOrOtherSchemeIsRejected() {
        #expect(verify(nil) == .failure(.missing))
        #expect(verify("") == .failure(.missing))
        #expect(verify("   ") == .failure(.missing))
        #expect(verify("Bearer") == .failure(.notBearer))
        #expect(verify("Bearer   ") == .failure(.notBearer))
        #expect(
            verify("AWS4-HMAC-SHA256 Credential=AKIDLONGTERM/20260521/us-west-2/sagemaker/aws4_request")
                == .failure(.notBearer))
        #expect(verify("Basic " + String(mint(longTerm).dropFirst("Bearer ".count))) == .failure(.notBearer))
    }

    @Test func wrongPrefixIsRejected() {
        let token = String(mint(longTerm).dropFirst("Bearer sagemaker-api-key-".count))
        #expect(verify("Bearer " + token) == .failure(.missingPrefix))
        #expect(verify("Bearer bedrock-api-key-" + token) == .failure(.missingPrefix))
        #expect(verify("Bearer sk-abc") == .failure(.missingPrefix))
    }

    @Test(arguments: ["not base64!", "c2FnZW1ha2VyLg", "c2FnZW1ha2Vy LmFtYXpvbmF3cy5jb20=", "/w=="])
    func malformedBase64IsRejected(payload: String) {
        // Unpadded, embedded space, and valid base64 of bytes that are not UTF-8.
        #expect(verify("Bearer sagemaker-api-key-" + payload) == .failure(.malformedBase64))
    }

    @Test func wrongHostIsRejected() {
        let url = presignedURL(longTerm)
        let path = url.dropFirst(SageMakerBearerToken.host.count)
        #expect(verify(header(forURL: "bedrock.amazonaws.com" + path)) == .failure(.wrongHost("bedrock.amazonaws.com")))
        #expect(
            verify(header(forURL: "sagemaker.us-west-2.amazonaws.com" + path))
                == .failure(.wrongHost("sagemaker.us-west-2.amazonaws.com")))
        // The reference drops the scheme; a token that kept it is refused.
        #expect(verify(header(forURL: "https://" + url)) == .failure(.wrongHost("https:")))
    }

    @Test func malformedURLIsRejected() {
        guard case .failure(.malformedURL) = verify(header(forURL: "sagemaker.amazonaws.com")) else {
            Issue.record("expected malformedURL without a path")
            return
        }
        let url = presignedURL(longTerm)
        let other = url.replacingOccurrences(of: "amazonaws.com/?", with: "amazonaws.com/other?")
        guard case .failure(.malformedURL) = verify(header(forURL: other)) else {
            Issue.record("expected malformedURL for another path")
            return
        }
    }

    @Test func wrongActionIsRejected() {
        let url = presignedURL(longTerm)
        let action = url.replacingOccurrences(of: "Action=CallWithBearerToken", with: "Action=InvokeEndpoint")
        #expect(verify(header(forURL: action)) == .failure(.wrongAction("InvokeEndpoint")))
        let none = url.replacingOccurrences(of: "Action=CallWithBearerToken&", with: "")
        #expect(verify(header(forURL: none)) == .failure(.wrongAction("")))
    }

    @Test func wrongVersionIsRejected() {
        let url = presignedURL(longTerm)
        #expect(url.hasSuffix("&Version=1"))
        #expect(verify(header(forURL: String(url.dropLast("&Version=1".count)))) == .failure(.unsupportedVersion("")))
        #expect(verify(header(forURL: String(url.dropLast()) + "2")) == .failure(.unsupportedVersion("2")))
        #expect(verify(header(forURL: url + "&Version=1")) == .failure(.unsupportedVersion("")))
    }

    @Test func expiredOrFutureTokenIsRejected() {
        #expect(verify(mint(longTerm), at: now.addingTimeInterval(43_201)) == .failure(.expired))
        #expect(verify(mint(longTerm, expiresIn: 60), at: now.addingTimeInterval(61)) == .failure(.expired))
        #expect(verify(mint(longTerm), at: now.addingTimeInterval(-16 * 60)) == .failure(.notYetValid))
    }

    @Test func overLongLifetimeIsRejected() {
        // Valid as SigV4 (a week is allowed), but SageMaker tokens live at most 12 hours.
        var request = SigV4Request(
            method: "POST", path: "/", query: "Action=CallWithBearerToken",
            headers: [("host", SageMakerBearerToken.host)])
        request.query = SigV4Signer(credentials: longTerm, region: "us-west-2", service: "sagemaker")
            .presignedQuery(request, at: now, expires: 86_400, order: .expiresFirst)
        let url = SageMakerBearerToken.host + "/?" + request.query + "&Version=1"
        guard case .failure(.malformedURL) = verify(header(forURL: url)) else {
            Issue.record("expected malformedURL for a 24-hour token")
            return
        }
    }

    @Test func unknownKeyAndWrongSecretAreRejected() {
        let stranger = AWSCredentials(accessKeyId: "AKIDSTRANGER", secretAccessKey: "x")
        #expect(verify(mint(stranger)) == .failure(.signature(.unknownAccessKey("AKIDSTRANGER"))))
        let guessed = AWSCredentials(accessKeyId: "AKIDLONGTERM", secretAccessKey: "guessed")
        #expect(verify(mint(guessed)) == .failure(.signature(.signatureMismatch)))
    }

    @Test func tamperedTokenIsRejected() {
        let url = presignedURL(longTerm)
        let stretched = url.replacingOccurrences(of: "X-Amz-Expires=43200", with: "X-Amz-Expires=43199")
        #expect(verify(header(forURL: stretched)) == .failure(.signature(.signatureMismatch)))
        let extra = url.replacingOccurrences(of: "&Version=1", with: "&EndpointName=x&Version=1")
        #expect(verify(header(forURL: extra)) == .failure(.signature(.signatureMismatch)))
    }

    @Test func sessionTokenIsChecked() {
        var wrong = temporary
        wrong.sessionToken = "another"
        #expect(verify(mint(wrong)) == .failure(.signature(.invalidSecurityToken)))
        var none = temporary
        none.sessionToken = nil
        #expect(verify(mint(none)) == .failure(.signature(.missingSecurityToken)))
    }

    @Test func otherRegionIsRejected() {
        guard case .failure(.signature(.scopeMismatch(let detail))) = verify(mint(longTerm, region: "eu-west-1")) else {
            Issue.record("expected scopeMismatch")
            return
        }
        #expect(detail.contains("eu-west-1"))
    }

    @Test func mintClampsTheLifetime() {
        let long = SageMakerBearerToken.mint(credentials: longTerm, region: "us-west-2", at: now, expiresIn: 100_000)
        #expect(long.expiration == now.addingTimeInterval(43_200))
        let none = SageMakerBearerToken.mint(credentials: longTerm, region: "us-west-2", at: now, expiresIn: 0)
        #expect(none.expiration == now.addingTimeInterval(1))
    }

    @Test func descriptionHidesTheToken() {
        let token = SageMakerBearerToken.mint(credentials: longTerm, region: "us-west-2", at: now)
        #expect(!"\(token)".contains(String(token.token.dropFirst(SageMakerBearerToken.prefix.count))))
    }
}
