#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension SigV4Verifier {
    /// The longest `X-Amz-Expires` AWS accepts on a presigned URL: seven days.
    package static let maximumPresignedExpiry = 604_800

    /// The access key id that presigned `request` (a query carrying `X-Amz-Algorithm`, `X-Amz-Credential`,
    /// `X-Amz-Date`, `X-Amz-Expires`, `X-Amz-SignedHeaders`, `X-Amz-Signature` and, for temporary keys,
    /// `X-Amz-Security-Token`), or why it is refused.
    ///
    /// The URL is valid from `X-Amz-Date` (less the clock skew) until `X-Amz-Date + X-Amz-Expires`; both ends
    /// give `.requestExpired`. The signature covers every query parameter but `X-Amz-Signature`, so one appended
    /// after signing makes it fail. The payload hash is the SHA-256 of the body, as botocore's `SigV4QueryAuth`
    /// signs it (S3's `UNSIGNED-PAYLOAD` presigning is not handled here).
    /// See https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
    package func verifyPresigned(_ request: SigV4Request, now: Date) -> Result<String, SigV4VerificationError> {
        var fields: [String: String] = [:]
        var signedPieces: [Substring] = []
        for piece in request.query.split(separator: "&", omittingEmptySubsequences: true) {
            let equals = piece.firstIndex(of: "=") ?? piece.endIndex
            let name = URIEncoding.decodeText(piece[..<equals])
            if name.hasPrefix("X-Amz-") {
                guard fields[name] == nil else { return .failure(.malformedAuthorization("\(name) given twice")) }
                fields[name] =
                    equals == piece.endIndex ? "" : URIEncoding.decodeText(piece[piece.index(after: equals)...])
            }
            if name != "X-Amz-Signature" { signedPieces.append(piece) }
        }

        guard let algorithm = fields["X-Amz-Algorithm"] else { return .failure(.missingAuthorization) }
        guard algorithm == SigV4Signer.algorithm else {
            return .failure(.malformedAuthorization("X-Amz-Algorithm must be \(SigV4Signer.algorithm)"))
        }
        let authorization: SigV4Authorization
        switch SigV4Authorization.parse(
            credential: fields["X-Amz-Credential"], signedHeaders: fields["X-Amz-SignedHeaders"],
            signature: fields["X-Amz-Signature"])
        {
        case .success(let parsed): authorization = parsed
        case .failure(let error): return .failure(error)
        }
        guard let amzDate = fields["X-Amz-Date"], let date = AMZDate.parse(amzDate) else {
            return .failure(.missingDate)
        }
        guard let expiresText = fields["X-Amz-Expires"], let expires = Int(expiresText),
            (1...Self.maximumPresignedExpiry).contains(expires)
        else {
            return .failure(
                .malformedAuthorization("X-Amz-Expires must be between 1 and \(Self.maximumPresignedExpiry) seconds"))
        }
        guard date.timeIntervalSince(now) <= allowedClockSkew, now.timeIntervalSince(date) <= TimeInterval(expires)
        else { return .failure(.requestExpired) }

        var signed = request
        signed.query = signedPieces.joined(separator: "&")
        return check(
            authorization, of: signed, signedAt: date, amzDate: amzDate, sentToken: fields["X-Amz-Security-Token"])
    }
}
