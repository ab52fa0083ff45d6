import AWSSigV4
import Crypto
import Foundation
import Testing

/// The stages on their own, with inputs the suite does not cover.
@Suite("SigV4 stages")
struct SigV4StagesTests {
    let date = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z, the suite's time
    let signer = SigV4Signer(
        credentials: AWSCredentials(
            accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1", service: "service")

    @Test func amzDateFormatsUTC() {
        #expect(AMZDate(date).amzDate == "20150830T123600Z")
        #expect(AMZDate(date).dateStamp == "20150830")
        // 2024-02-29T23:59:59Z: a leap day, one second before midnight.
        let leap = AMZDate(Date(timeIntervalSince1970: 1_709_251_199))
        #expect(leap.amzDate == "20240229T235959Z")
        #expect(AMZDate(Date(timeIntervalSince1970: 0)).amzDate == "19700101T000000Z")
        #expect(AMZDate(Date(timeIntervalSince1970: 1_440_938_160.999)).amzDate == "20150830T123600Z")
        // The ends of the fixed-width fast path, and past it (the general rendering).
        #expect(AMZDate(Date(timeIntervalSince1970: -62_167_219_200)).amzDate == "00000101T000000Z")
        #expect(AMZDate(Date(timeIntervalSince1970: 253_402_300_799)).amzDate == "99991231T235959Z")
        #expect(AMZDate(Date(timeIntervalSince1970: 253_402_300_799)).dateStamp == "99991231")
        #expect(AMZDate(Date(timeIntervalSince1970: 253_402_300_800)).amzDate == "100000101T000000Z")
    }

    /// The per-second rendering is the rendering, across second and day boundaries and back in time.
    @Test func renderingOncePerSecondIsTheRendering() {
        let times: [Double] = [
            1_440_938_160, 1_440_938_160.5, 1_440_938_160.999, 1_440_938_161, 1_440_938_160, 1_709_251_199.9,
            1_709_251_200, 0, -0.5, 1_440_938_161,
        ]
        for time in times {
            let date = Date(timeIntervalSince1970: time)
            #expect(AMZDate.rendering(date) == AMZDate(date), "\(time)")
        }
    }

    /// Seeded times from 1900 to 2200 against `String(format:)` of the same calendar fields.
    @Test func amzDateMatchesFormattedFields() {
        var state: UInt64 = 0xDA7E_5EED
        for _ in 0..<2000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let seconds = Int64(state >> 33) % 9_467_280_000 - 2_208_988_800
            let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
            let second = seconds - days * 86_400
            let (year, month, day) = CivilDate.date(days: days)
            let stamp = String(format: "%04lld%02lld%02lld", year, month, day)
            let time = String(format: "T%02lld%02lld%02lldZ", second / 3600, second % 3600 / 60, second % 60)
            let rendered = AMZDate(Date(timeIntervalSince1970: TimeInterval(seconds)))
            #expect(rendered.dateStamp == stamp, "\(seconds)")
            #expect(rendered.amzDate == stamp + time, "\(seconds)")
        }
    }

    @Test func amzDateParses() {
        #expect(AMZDate.parse("20150830T123600Z") == date)
        #expect(AMZDate.parse("20240229T235959Z") == Date(timeIntervalSince1970: 1_709_251_199))
        for bad in [
            "", "20150830T123600", "2015-08-30T12:36:00Z", "20151330T123600Z", "2015083OT123600Z", "20150830T253600Z",
        ] {
            #expect(AMZDate.parse(bad) == nil, "\(bad)")
        }
    }

    /// The worked example in AWS's "Examples of how to derive a signing key for Signature Version 4".
    @Test func signingKeyMatchesAWSDocumentation() {
        let iam = SigV4Signer(
            credentials: AWSCredentials(
                accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
            region: "us-east-1", service: "iam")
        let key = iam.signingKey(dateStamp: "20120215")
        #expect(
            key.map { String(format: "%02x", $0) }.joined()
                == "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d")
        #expect(iam.signingKey(date: Date(timeIntervalSince1970: 1_329_264_000)) == key)  // 2012-02-15T00:00:00Z
    }

    /// The signing key is cached (one entry); a different secret, day, region or service must never get the
    /// cached key. Each key here is checked against the HMAC chain computed without the signer.
    @Test func cachedSigningKeyFollowsSecretDayRegionAndService() {
        func signer(_ secret: String, _ region: String, _ service: String) -> SigV4Signer {
            SigV4Signer(
                credentials: AWSCredentials(accessKeyId: "AKID", secretAccessKey: secret), region: region,
                service: service)
        }
        func reference(_ secret: String, _ day: String, _ region: String, _ service: String) -> [UInt8] {
            var key = Array(("AWS4" + secret).utf8)
            for part in [day, region, service, "aws4_request"] {
                key = Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: SymmetricKey(data: key)))
            }
            return key
        }
        let cases = [
            ("secret-a", "20261129", "us-east-1", "sagemaker"), ("secret-b", "20261129", "us-east-1", "sagemaker"),
            ("secret-a", "20261130", "us-east-1", "sagemaker"), ("secret-a", "20261130", "eu-west-1", "sagemaker"),
            ("secret-a", "20261130", "eu-west-1", "secretsmanager"), ("secret-a", "20261129", "us-east-1", "sagemaker"),
        ]
        for (secret, day, region, service) in cases + cases {
            #expect(
                signer(secret, region, service).signingKey(dateStamp: day) == reference(secret, day, region, service),
                "\(secret) \(day) \(region) \(service)")
        }
    }

    @Test func uriEncodingKeepsOnlyUnreserved() {
        #expect(URIEncoding.encode("AZaz09-._~") == "AZaz09-._~")
        #expect(URIEncoding.encode("a b/c+d=e&%") == "a%20b%2Fc%2Bd%3De%26%25")
        #expect(URIEncoding.encode("a b/c", keepSlash: true) == "a%20b/c")
        #expect(
            URIEncoding.encode("/endpoints/m-1.v_2~/invocations", keepSlash: true) == "/endpoints/m-1.v_2~/invocations")
        #expect(URIEncoding.encode("/a", keepSlash: false) == "%2Fa")
        #expect(URIEncoding.encode("") == "")
        #expect(CanonicalQuery.make("") == "")
        #expect(URIEncoding.encode("\u{1234}") == "%E1%88%B4")
        #expect(URIEncoding.decode(Array("%e1%88%B4+%zz%4".utf8)) == [0xE1, 0x88, 0xB4] + Array("+%zz%4".utf8))
    }

    @Test func canonicalURIDoubleEncodesExceptForS3() {
        // botocore quotes the path on the wire and again in the canonical request.
        #expect(
            CanonicalURI.make(path: "/endpoints/my%20endpoint/invocations", normalize: true, doubleEncode: true)
                == "/endpoints/my%2520endpoint/invocations")
        #expect(
            CanonicalURI.make(path: "/bucket/my%20key", normalize: false, doubleEncode: false) == "/bucket/my%20key")
        #expect(CanonicalURI.make(path: "", normalize: true, doubleEncode: true) == "/")
        #expect(
            SigV4Signer(credentials: signer.credentials, region: "us-east-1", service: "s3", normalizePath: false)
                .doubleURIEncode == false)
    }

    @Test(arguments: [
        ("/", "/"), ("//", "/"), ("/a/b/..", "/a"), ("/a/..", "/"), ("/a/./b/", "/a/b/"), ("/../a", "/a"),
        ("//a//b//", "/a/b/"), ("/a/b/../../..", "/"), ("/a/.../b", "/a/.../b"),
    ])
    func dotSegmentsRemoved(input: String, expected: String) {
        #expect(CanonicalURI.removeDotSegments(input) == expected)
    }

    @Test func canonicalQuerySortsEncodedPairs() {
        #expect(CanonicalQuery.make("") == "")
        #expect(CanonicalQuery.make("b=2&a=1&a=0") == "a=0&a=1&b=2")
        #expect(CanonicalQuery.make("flag&x=") == "flag=&x=")
        #expect(CanonicalQuery.make("k=a+b&t=%7e&s=a%20b") == "k=a%2Bb&s=a%20b&t=~")
        // Sorted by the encoded name: uppercase before lowercase, '%' before letters.
        #expect(CanonicalQuery.make("a=1&B=2&%C3%A9=3") == "%C3%A9=3&B=2&a=1")
    }

    @Test func headerValuesTrimmedAndCollapsed() {
        #expect(CanonicalHeaders.normalizedValue("  a   b\t\tc  ") == "a b c")
        #expect(CanonicalHeaders.normalizedValue("value1\n  value2\r\n     value3") == "value1 value2 value3")
        #expect(CanonicalHeaders.normalizedValue("   ") == "")
    }

    /// The word scan must find whitespace wherever it falls, in values shorter and longer than a word, beside
    /// bytes with the high bit set and the bytes just above the whitespace (0x21, `!`).
    @Test func headerValuesWithWhitespaceAnywhereAreNormalised() {
        func naive(_ value: String) -> String {
            value.split(whereSeparator: { " \t\r\n".contains($0) }).joined(separator: " ")
        }
        for count in 1...24 {
            let plain = String((0..<count).map { i in ["A", "!", "é", "=", "/"][i % 5] as Character })
            #expect(CanonicalHeaders.normalizedValue(plain) == plain)
            for (offset, _) in plain.enumerated() {
                for space in [" ", "\t", "\r\n", "  "] {
                    var characters = Array(plain)
                    characters.insert(contentsOf: Array(space), at: offset)
                    let value = String(characters)
                    #expect(CanonicalHeaders.normalizedValue(value) == naive(value), "\(value.debugDescription)")
                }
            }
        }
        let token = String(repeating: "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ", count: 20)
        #expect(CanonicalHeaders.normalizedValue(token) == token)
        #expect(CanonicalHeaders.normalizedValue(token + " ") == token)
    }

    @Test func canonicalRequestWithExplicitSignedHeaders() {
        let request = SigV4Request(
            method: "post", path: "/",
            headers: [("Host", "h"), ("X-B", " 2 "), ("x-a", "1"), ("X-B", "3"), ("User-Agent", "u")],
            body: Array("hi".utf8))
        let all = signer.canonicalRequest(request)
        #expect(
            all == "POST\n/\n\nhost:h\nx-a:1\nx-b:2,3\n\nhost;x-a;x-b\n" + SigV4Signer.payloadHash(Array("hi".utf8)))
        let some = signer.canonicalRequest(request, signedHeaders: ["X-B", "host", "user-agent"])
        #expect(some.hasPrefix("POST\n/\n\nhost:h\nuser-agent:u\nx-b:2,3\n\nhost;user-agent;x-b\n"))
    }

    @Test func declaredPayloadHashIsSigned() {
        let request = SigV4Request(
            method: "PUT", path: "/k", headers: [("host", "h"), ("x-amz-content-sha256", "UNSIGNED-PAYLOAD")],
            body: [1, 2, 3])
        #expect(signer.canonicalRequest(request).hasSuffix("\nUNSIGNED-PAYLOAD"))
    }

    @Test func signReturnsHeadersToAddWithLowercaseHex() throws {
        var withToken = signer
        withToken.credentials.sessionToken = "TOKEN"
        let request = SigV4Request(
            method: "GET", path: "/", headers: [("Host", "example.amazonaws.com"), ("X-Amz-Date", "stale")])
        let added = withToken.sign(request, at: date, includeContentSHA256: true)
        #expect(added.map(\.name) == ["X-Amz-Security-Token", "X-Amz-Date", "x-amz-content-sha256", "Authorization"])
        #expect(added[1].value == "20150830T123600Z")
        #expect(added[2].value == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let authorization = try #require(added.last?.value)
        #expect(
            authorization.hasPrefix(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                    + "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature="))
        let signature = try #require(authorization.components(separatedBy: "Signature=").last)
        #expect(signature.count == 64)
        #expect(signature.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(signer.sign(request, at: date).map(\.name) == ["X-Amz-Date", "Authorization"])
    }

    /// Signing in place keeps the request's own headers first, as they were, and appends exactly the headers
    /// `sign` returns, for every combination of token, unsigned token and payload hash.
    @Test func signingInPlaceAppendsWhatSignReturns() {
        let request = SigV4Request(
            method: "POST", path: "/a/b", query: "x=1",
            headers: [
                ("Host", "h"), ("X-Amz-Date", "stale"), ("Content-Type", " a  b "), ("x-amz-content-sha256", "X"),
            ],
            body: Array("{}".utf8))
        for token in [nil, "TOKEN"] as [String?] {
            var variant = signer
            variant.credentials.sessionToken = token
            for includeHash in [false, true] {
                for signToken in [false, true] {
                    let added = variant.sign(
                        request, at: date, includeContentSHA256: includeHash, signSecurityToken: signToken)
                    var inPlace = request
                    variant.sign(&inPlace, at: date, includeContentSHA256: includeHash, signSecurityToken: signToken)
                    #expect(inPlace.headers.prefix(4).map(\.name) == request.headers.map(\.name))
                    #expect(inPlace.headers.prefix(4).map(\.value) == request.headers.map(\.value))
                    #expect(inPlace.headers.dropFirst(4).map(\.name) == added.map(\.name))
                    #expect(inPlace.headers.dropFirst(4).map(\.value) == added.map(\.value))
                }
            }
        }
    }

    @Test func credentialsDescriptionHidesSecrets() {
        let description = String(
            describing: AWSCredentials(accessKeyId: "AKID", secretAccessKey: "SECRET", sessionToken: "TOKEN"))
        #expect(description.contains("AKID"))
        #expect(!description.contains("SECRET"))
        #expect(!description.contains("TOKEN"))
    }
}

@Suite struct CanonicalURIFastPathTests {
    /// `isNormal` lets `make` skip `removeDotSegments`; it must never say so for a path that would change.
    @Test func isNormalExactlyWhenRemovingDotSegmentsChangesNothing() {
        let pieces = ["", "/", "a", "b", ".", "..", "...", ".a", "a.", "%2F"]
        var paths: Set<String> = []
        for a in pieces { for b in pieces { for c in pieces { paths.insert(a + b + c) } } }
        for path in paths where !path.isEmpty {
            #expect(CanonicalURI.isNormal(path) == (CanonicalURI.removeDotSegments(path) == path), "\(path)")
        }
        #expect(CanonicalURI.isNormal("/endpoints/demo-endpoint/invocations-response-stream"))
    }
}
