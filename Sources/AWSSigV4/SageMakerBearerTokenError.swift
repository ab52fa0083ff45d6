/// Why a SageMaker bearer token (`SageMakerBearerToken`) is refused, one case per thing a server checks, in the
/// order it checks them.
package enum SageMakerBearerTokenError: Error, Equatable, Sendable {
    /// No `Authorization` header, or an empty one.
    case missing
    /// The header's scheme is not `Bearer` (a SigV4-signed call, say).
    case notBearer
    /// The token does not start with `sagemaker-api-key-`.
    case missingPrefix
    /// What follows the prefix is not standard base64 of UTF-8 text.
    case malformedBase64
    /// The decoded text is not `<host>/?<query>`, or its `X-Amz-Expires` is over 12 hours; the text says which.
    case malformedURL(String)
    /// The presigned host is not `sagemaker.amazonaws.com`.
    case wrongHost(String)
    /// The presigned `Action` is not `CallWithBearerToken` (empty when absent or repeated).
    case wrongAction(String)
    /// The appended `Version` is not `1` (empty when absent or repeated).
    case unsupportedVersion(String)
    /// `X-Amz-Date + X-Amz-Expires` has passed.
    case expired
    /// `X-Amz-Date` is further in the future than the allowed clock skew.
    case notYetValid
    /// The presigned URL's SigV4 check failed: unknown key, session token, scope (region, service, date),
    /// missing or malformed `X-Amz-*` parameters, or the signature itself.
    case signature(SigV4VerificationError)
}
