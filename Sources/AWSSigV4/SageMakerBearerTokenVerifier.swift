#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Server-side check of a SageMaker bearer token (`SageMakerBearerToken`), as the OpenAI-compatible route does
/// before it passes a request to the container: unwrap `Bearer sagemaker-api-key-<base64>`, check that the
/// presigned URL is `POST sagemaker.amazonaws.com/?Action=CallWithBearerToken…&Version=1`, then verify it as a
/// presigned SigV4 URL for the service `sagemaker` (`SigV4Verifier.verifyPresigned`).
///
/// Pure, so the emulator's thin `BearerTokenAuthenticator` and the tests share it.
/// See https://docs.aws.amazon.com/sagemaker/latest/dg/realtime-endpoints-openai-compatible.html
package struct SageMakerBearerTokenVerifier {
    package struct Verified: Equatable, Sendable {
        package var accessKeyId: String
        package var expiration: Date

        package init(accessKeyId: String, expiration: Date) {
            self.accessKeyId = accessKeyId
            self.expiration = expiration
        }
    }

    /// The region the credential scope must name; nil accepts any.
    package var region: String?
    package var allowedClockSkew: TimeInterval
    package var secretForAccessKey: (String) -> (secret: String, sessionToken: String?)?

    /// - Parameter secretForAccessKey: as for `SigV4Verifier`: the secret of a key id and, for temporary keys,
    ///   the session token the URL must carry; nil for an unknown key.
    package init(
        region: String?,
        allowedClockSkew: TimeInterval = 15 * 60,
        secretForAccessKey: @escaping (String) -> (secret: String, sessionToken: String?)?
    ) {
        self.region = region
        self.allowedClockSkew = allowedClockSkew
        self.secretForAccessKey = secretForAccessKey
    }

    /// The key that minted the token in the `Authorization` header value `authorization`, or why it is refused.
    package func verify(authorization: String?, now: Date) -> Result<Verified, SageMakerBearerTokenError> {
        let header = (authorization ?? "").drop { $0 == " " }
        guard !header.isEmpty else { return .failure(.missing) }
        // RFC 7235 section 2.1: the scheme is case-insensitive and followed by one or more spaces.
        let scheme = header.prefix { $0 != " " }
        var token = header.dropFirst(scheme.count).drop { $0 == " " }
        while token.last == " " { token = token.dropLast() }
        guard scheme.lowercased() == "bearer", !token.isEmpty else { return .failure(.notBearer) }
        let text = String(token)
        guard text.hasPrefix(SageMakerBearerToken.prefix) else { return .failure(.missingPrefix) }
        guard let bytes = Data(base64Encoded: String(text.dropFirst(SageMakerBearerToken.prefix.count))),
            let url = String(validating: bytes, as: UTF8.self)
        else { return .failure(.malformedBase64) }

        guard let slash = url.firstIndex(of: "/") else { return .failure(.malformedURL("expected <host>/?<query>")) }
        let host = String(url[..<slash])
        guard host == SageMakerBearerToken.host else { return .failure(.wrongHost(host)) }
        let pathAndQuery = url[slash...]
        guard pathAndQuery.hasPrefix("/?") else {
            return .failure(.malformedURL("the path must be / followed by the query"))
        }

        var signedPieces: [Substring] = []
        var parameters: [(name: String, value: String)] = []
        for piece in pathAndQuery.dropFirst(2).split(separator: "&", omittingEmptySubsequences: true) {
            let equals = piece.firstIndex(of: "=") ?? piece.endIndex
            let name = URIEncoding.decodeText(piece[..<equals])
            let value = equals == piece.endIndex ? "" : URIEncoding.decodeText(piece[piece.index(after: equals)...])
            parameters.append((name, value))
            // Version is appended after the signature, so it is not part of what was signed.
            if name != "Version" { signedPieces.append(piece) }
        }
        func only(_ name: String) -> String? {
            let values = parameters.filter { $0.name == name }.map(\.value)
            return values.count == 1 ? values[0] : nil
        }
        guard let version = only("Version"), version == SageMakerBearerToken.version else {
            return .failure(.unsupportedVersion(only("Version") ?? ""))
        }
        guard let action = only("Action"), action == SageMakerBearerToken.action else {
            return .failure(.wrongAction(only("Action") ?? ""))
        }
        let expires = only("X-Amz-Expires").flatMap { Int($0) }
        if let expires, expires > SageMakerBearerToken.maximumLifetime {
            return .failure(
                .malformedURL("X-Amz-Expires must be at most \(SageMakerBearerToken.maximumLifetime) seconds"))
        }

        let request = SigV4Request(
            method: "POST", path: "/", query: signedPieces.joined(separator: "&"), headers: [("host", host)])
        let verifier = SigV4Verifier(
            region: region, service: SageMakerBearerToken.service, allowedClockSkew: allowedClockSkew,
            secretForAccessKey: secretForAccessKey)
        switch verifier.verifyPresigned(request, now: now) {
        case .success(let accessKeyId):
            // verifyPresigned succeeded, so both parsed.
            let signedAt = only("X-Amz-Date").flatMap(AMZDate.parse) ?? now
            return .success(
                Verified(accessKeyId: accessKeyId, expiration: signedAt.addingTimeInterval(TimeInterval(expires ?? 0))))
        case .failure(.requestExpired):
            let signedAt = only("X-Amz-Date").flatMap(AMZDate.parse) ?? now
            return .failure(signedAt > now ? .notYetValid : .expired)
        case .failure(let error):
            return .failure(.signature(error))
        }
    }
}
