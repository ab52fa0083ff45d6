import AWSSigV4
import Foundation
import Testing

/// Every case of the AWS SigV4 test suite, each stage checked on its own so a failure names the stage.
@Suite("AWS SigV4 test suite")
struct AWSTestSuiteTests {
    @Test("suite folder is present and has cases")
    func suiteIsPresent() {
        guard SuiteCase.suiteExists else {
            print(
                "⚠️⚠️⚠️ SKIPPED: aws-sigv4-test-suite not found at \(SuiteCase.suiteDirectory.path) (set SIGV4_TEST_SUITE) ⚠️⚠️⚠️"
            )
            return
        }
        #expect(!SuiteCase.discover().isEmpty, "no cases found under \(SuiteCase.suiteDirectory.path)")
    }

    @Test("header signing", arguments: SuiteCase.discover())
    func headerSigning(caseName: String) throws {
        let suiteCase = try SuiteCase(name: caseName)
        let signer = suiteCase.signer
        let request = suiteCase.request

        // Task 1 over the request as it is signed: with the date, the token when signed, the payload hash when asked.
        var toSign = request
        if let token = suiteCase.context.credentials.token, suiteCase.signsSecurityToken {
            toSign.headers.append(("X-Amz-Security-Token", token))
        }
        toSign.headers.append(("X-Amz-Date", AMZDate(suiteCase.date).amzDate))
        if suiteCase.context.signBody {
            toSign.headers.append(("x-amz-content-sha256", SigV4Signer.payloadHash(request.body)))
        }
        let canonical = signer.canonicalRequest(toSign)
        #expect(canonical == (try suiteCase.expected("header-canonical-request.txt")))

        let stringToSign = signer.stringToSign(canonicalRequest: canonical, date: suiteCase.date)
        #expect(stringToSign == (try suiteCase.expected("header-string-to-sign.txt")))

        let signature = signer.signature(stringToSign: stringToSign, date: suiteCase.date)
        #expect(signature == (try suiteCase.expected("header-signature.txt")))

        let added = signer.sign(
            request, at: suiteCase.date, includeContentSHA256: suiteCase.context.signBody,
            signSecurityToken: suiteCase.signsSecurityToken)
        var signed = request
        signed.headers += added
        let expectedSigned = try suiteCase.expected("header-signed-request.txt")
        #expect(HTTPText.render(signed) == expectedSigned)

        let expectedAuthorization = expectedSigned.components(separatedBy: "\n")
            .first { $0.hasPrefix("Authorization:") }.map { String($0.dropFirst("Authorization:".count)) }
        #expect(added.last?.name == "Authorization")
        #expect(added.last?.value == expectedAuthorization)
    }

    @Test("query signing (presigned)", arguments: SuiteCase.discover())
    func querySigning(caseName: String) throws {
        let suiteCase = try SuiteCase(name: caseName)
        let signer = suiteCase.signer
        let request = suiteCase.request

        let query = signer.presignedQuery(
            request, at: suiteCase.date, expires: suiteCase.context.expirationInSeconds,
            signSecurityToken: suiteCase.signsSecurityToken)
        var signed = request
        signed.query = query
        #expect(HTTPText.render(signed) == (try suiteCase.expected("query-signed-request.txt")))

        // The stages, over the query as it was before the signature (and an unsigned token) were appended.
        var toSign = request
        toSign.query = query.components(separatedBy: "&").filter {
            !$0.hasPrefix("X-Amz-Signature=")
                && (suiteCase.signsSecurityToken || !$0.hasPrefix("X-Amz-Security-Token="))
        }.joined(separator: "&")
        let canonical = signer.canonicalRequest(toSign)
        #expect(canonical == (try suiteCase.expected("query-canonical-request.txt")))
        let stringToSign = signer.stringToSign(canonicalRequest: canonical, date: suiteCase.date)
        #expect(stringToSign == (try suiteCase.expected("query-string-to-sign.txt")))
        #expect(
            signer.signature(stringToSign: stringToSign, date: suiteCase.date)
                == (try suiteCase.expected("query-signature.txt")))
    }
}
