#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension SigV4Signer {
    /// Where `X-Amz-Expires` goes among the added query parameters. The signature is the same either way (the
    /// canonical query is sorted); only the URL's bytes differ, which matters where the URL itself is the product,
    /// as in a bearer token.
    package enum PresignParameterOrder: Sendable {
        /// `…&X-Amz-SignedHeaders=…&X-Amz-Expires=…`: aws-c-auth, and the AWS test suite's `query-signed-request.txt`.
        case signedHeadersFirst
        /// `…&X-Amz-Expires=…&X-Amz-SignedHeaders=…`: botocore's `SigV4QueryAuth`, so boto3's presigned URLs.
        case expiresFirst
    }

    /// Signs `request` in its query string instead of its headers (a presigned URL) and returns the new raw query:
    /// the request's own query followed by `X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`,
    /// `X-Amz-SignedHeaders` and `X-Amz-Expires` (in `order`), `X-Amz-Security-Token` (if any) and
    /// `X-Amz-Signature`.
    ///
    /// Every header of the request is signed, as in `sign`, and the payload hash is the SHA-256 of the body (as
    /// botocore's `SigV4QueryAuth`; S3 alone presigns `UNSIGNED-PAYLOAD`). With `signSecurityToken: false` the
    /// token is appended after the signature was computed.
    /// See https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#add-signature-to-request
    package func presignedQuery(
        _ request: SigV4Request,
        at date: Date,
        expires: Int,
        signSecurityToken: Bool = true,
        order: PresignParameterOrder = .signedHeadersFirst
    ) -> String {
        let time = AMZDate(date)
        let signedHeaders = CanonicalHeaders.defaultSignedHeaders(request.headers)
        func param(_ name: String, _ value: String) -> String { "\(name)=\(URIEncoding.encode(value))" }

        let signedHeadersParam = param("X-Amz-SignedHeaders", signedHeaders.joined(separator: ";"))
        let expiresParam = param("X-Amz-Expires", String(expires))
        var added = [
            param("X-Amz-Algorithm", Self.algorithm),
            param("X-Amz-Credential", "\(credentials.accessKeyId)/\(credentialScope(date: date))"),
            param("X-Amz-Date", time.amzDate),
        ]
        switch order {
        case .signedHeadersFirst: added += [signedHeadersParam, expiresParam]
        case .expiresFirst: added += [expiresParam, signedHeadersParam]
        }
        let token = credentials.sessionToken.map { param("X-Amz-Security-Token", $0) }
        if signSecurityToken, let token { added.append(token) }

        var toSign = request
        toSign.query = ([request.query].filter { !$0.isEmpty } + added).joined(separator: "&")
        let canonical = canonicalRequest(toSign, signedHeaders: signedHeaders)
        let signature = signature(stringToSign: stringToSign(canonicalRequest: canonical, date: date), date: date)
        if !signSecurityToken, let token { toSign.query += "&" + token }
        return toSign.query + "&" + param("X-Amz-Signature", signature)
    }
}
