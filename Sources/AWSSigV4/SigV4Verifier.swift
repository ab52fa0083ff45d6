#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Server-side check of a header-signed SigV4 request, as an AWS service performs it: parse the Authorization
/// header, check the date and scope, look up the secret, recompute the signature over exactly the headers the
/// client signed, and compare in constant time.
package struct SigV4Verifier {
    package var region: String?
    package var service: String
    /// How far `x-amz-date` may be from the server's clock; AWS allows 15 minutes.
    package var allowedClockSkew: TimeInterval
    /// As for `SigV4Signer`: true for every service but S3.
    package var normalizePath: Bool
    package var secretForAccessKey: (String) -> (secret: String, sessionToken: String?)?

    /// - Parameters:
    ///   - region: the region the scope must name; nil accepts any (an emulator answering for every region).
    ///   - secretForAccessKey: the secret of a key id and, for temporary keys, the token requests must carry;
    ///     nil for an unknown key.
    package init(
        region: String?,
        service: String,
        allowedClockSkew: TimeInterval = 15 * 60,
        normalizePath: Bool = true,
        secretForAccessKey: @escaping (String) -> (secret: String, sessionToken: String?)?
    ) {
        self.region = region
        self.service = service
        self.allowedClockSkew = allowedClockSkew
        self.normalizePath = normalizePath
        self.secretForAccessKey = secretForAccessKey
    }

    /// The access key id that signed `request`, or why it is refused.
    package func verify(_ request: SigV4Request, now: Date) -> Result<String, SigV4VerificationError> {
        guard let header = request.value(of: "authorization") else { return .failure(.missingAuthorization) }
        let authorization: SigV4Authorization
        switch SigV4Authorization.parse(header) {
        case .success(let parsed): authorization = parsed
        case .failure(let error): return .failure(error)
        }

        guard let amzDate = request.value(of: "x-amz-date").map(CanonicalHeaders.normalizedValue) else {
            return .failure(.missingDate)
        }
        guard let date = AMZDate.parse(amzDate) else { return .failure(.missingDate) }
        guard abs(date.timeIntervalSince(now)) <= allowedClockSkew else { return .failure(.requestExpired) }

        let sentToken = request.value(of: "x-amz-security-token").map(CanonicalHeaders.normalizedValue)
        return check(authorization, of: request, signedAt: date, amzDate: amzDate, sentToken: sentToken)
    }

    /// The checks shared by header-signed requests and presigned URLs once the date is known to be acceptable:
    /// the scope, the key and its session token, the signed headers, and the signature over `request` (whose
    /// query no longer holds `X-Amz-Signature`).
    func check(
        _ authorization: SigV4Authorization, of request: SigV4Request, signedAt date: Date, amzDate: String,
        sentToken: String?
    ) -> Result<String, SigV4VerificationError> {
        if authorization.terminator != "aws4_request" {
            return .failure(.scopeMismatch("scope must end in aws4_request, not \(authorization.terminator)"))
        }
        if authorization.dateStamp != AMZDate(date).dateStamp {
            return .failure(
                .scopeMismatch("scope date \(authorization.dateStamp) is not the date of x-amz-date \(amzDate)"))
        }
        if let region, authorization.region != region {
            return .failure(.scopeMismatch("scope region \(authorization.region), expected \(region)"))
        }
        if authorization.service != service {
            return .failure(.scopeMismatch("scope service \(authorization.service), expected \(service)"))
        }

        guard let known = secretForAccessKey(authorization.accessKeyId) else {
            return .failure(.unknownAccessKey(authorization.accessKeyId))
        }
        switch (known.sessionToken, sentToken) {
        case (nil, nil): break
        case (.some, nil): return .failure(.missingSecurityToken)
        case (nil, .some): return .failure(.invalidSecurityToken)
        case (.some(let expected), .some(let sent)):
            if !constantTimeEquals(expected, sent) { return .failure(.invalidSecurityToken) }
        }

        // AWS rejects a signature that does not cover host, and one naming headers the request lacks.
        guard authorization.signedHeaders.contains("host") else {
            return .failure(.malformedAuthorization("SignedHeaders must include host"))
        }
        let present = Set(request.headers.map { CanonicalHeaders.normalizedName($0.name) })
        if let absent = authorization.signedHeaders.first(where: { !present.contains($0) }) {
            return .failure(.malformedAuthorization("signed header \(absent) is not in the request"))
        }

        // The payload hash a client declares is what gets signed, so it must also be checked against the body.
        if let declared = request.value(of: "x-amz-content-sha256").map(CanonicalHeaders.normalizedValue),
            Hex.isSHA256(declared), declared != Hex.sha256(request.body)
        {
            return .failure(.signatureMismatch)
        }

        let signer = SigV4Signer(
            credentials: AWSCredentials(accessKeyId: authorization.accessKeyId, secretAccessKey: known.secret),
            region: authorization.region, service: authorization.service, normalizePath: normalizePath)
        let canonical = signer.canonicalRequest(request, signedHeaders: authorization.signedHeaders)
        let expected = signer.signature(
            stringToSign: signer.stringToSign(canonicalRequest: canonical, date: date), date: date)
        guard constantTimeEquals(expected, authorization.signature) else { return .failure(.signatureMismatch) }
        return .success(authorization.accessKeyId)
    }
}
