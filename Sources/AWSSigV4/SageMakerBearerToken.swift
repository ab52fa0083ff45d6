#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// SageMaker's short-lived API key for the OpenAI-compatible route of an endpoint
/// (`/endpoints/<ep>[/inference-components/<ic>]/openai/v1/…`), sent as `Authorization: Bearer <token>`.
///
/// The token is `sagemaker-api-key-` followed by the standard base64 of a SigV4 presigned URL, minted without a
/// network call: `POST https://sagemaker.amazonaws.com/?Action=CallWithBearerToken` presigned for the service
/// `sagemaker` in the caller's region, with only `host` signed, the session token (if any) signed as
/// `X-Amz-Security-Token`, the payload hash of the empty body, and the parameters in botocore's order; then
/// `https://` is dropped and `&Version=1` appended after the signature (so it is not signed). That is what the
/// SageMaker Python SDK's token generator does with botocore's `SigV4QueryAuth`:
/// https://github.com/aws/sagemaker-python-sdk/blob/master/sagemaker-core/src/sagemaker/core/token_generator/token_generator.py
/// and https://docs.aws.amazon.com/sagemaker/latest/dg/realtime-endpoints-openai-compatible.html
///
/// The presigned host names no region and no partition: the reference uses `sagemaker.amazonaws.com` for every
/// region, `cn-*` and GovCloud included (the region is only in the credential scope), and so does this. If those
/// partitions turn out to want a host of their own, `host` is the one place to change.
///
/// The token lives in AWSSigV4 rather than TranslatorCore because both sides need its format: the translator
/// mints it and the emulator, which does not import TranslatorCore, verifies it (`SageMakerBearerTokenVerifier`).
package struct SageMakerBearerToken: Sendable, Equatable {
    package static let prefix = "sagemaker-api-key-"
    package static let host = "sagemaker.amazonaws.com"
    package static let service = "sagemaker"
    package static let action = "CallWithBearerToken"
    /// Appended to the presigned URL after the signature.
    package static let version = "1"
    /// 12 hours: the reference's default lifetime and the longest it allows.
    package static let maximumLifetime = 43_200

    /// `sagemaker-api-key-<base64>`, without the `Bearer ` scheme.
    package let token: String
    /// The signing time, whole seconds, as in `X-Amz-Date`.
    package let issuedAt: Date
    /// When the presigned URL stops being accepted: `issuedAt` plus the lifetime. A token minted from temporary
    /// credentials also stops working when their session token expires, whichever comes first.
    package let expiration: Date

    /// The `Authorization` header value.
    package var authorization: String { "Bearer " + token }

    package init(token: String, issuedAt: Date, expiration: Date) {
        self.token = token
        self.issuedAt = issuedAt
        self.expiration = expiration
    }

    /// Mints a token valid for `expiresIn` seconds from `date`, clamped to `1...maximumLifetime` (the reference
    /// refuses anything else; configuration should reject it before it gets here).
    package static func mint(
        credentials: AWSCredentials, region: String, at date: Date, expiresIn: Int = maximumLifetime
    ) -> SageMakerBearerToken {
        let lifetime = min(max(expiresIn, 1), maximumLifetime)
        let url = presignedURL(credentials: credentials, region: region, at: date, expiresIn: lifetime)
        let issuedAt = Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
        return SageMakerBearerToken(
            token: prefix + Data(url.utf8).base64EncodedString(),
            issuedAt: issuedAt,
            expiration: issuedAt.addingTimeInterval(TimeInterval(lifetime)))
    }

    /// The string the token encodes: `sagemaker.amazonaws.com/?Action=CallWithBearerToken&X-Amz-…&Version=1`.
    package static func presignedURL(
        credentials: AWSCredentials, region: String, at date: Date, expiresIn: Int
    ) -> String {
        let request = SigV4Request(
            method: "POST", path: "/", query: "Action=" + action, headers: [("host", host)])
        let query = SigV4Signer(credentials: credentials, region: region, service: service)
            .presignedQuery(request, at: date, expires: expiresIn, order: .expiresFirst)
        return host + "/?" + query + "&Version=" + version
    }
}

extension SageMakerBearerToken: CustomStringConvertible {
    /// The token is a credential for twelve hours: never print it.
    package var description: String {
        "SageMakerBearerToken(token: \(Self.prefix)<redacted>, expiration: \(expiration.timeIntervalSince1970))"
    }
}
