/// Why a server refused a SigV4-signed request; each case maps to the error AWS itself would return.
package enum SigV4VerificationError: Error, Equatable, Sendable {
    /// No `Authorization` header (AWS: `MissingAuthenticationToken`).
    case missingAuthorization
    /// The header is not `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...` (AWS: `IncompleteSignature`).
    case malformedAuthorization(String)
    /// The access key id is not known (AWS: `UnrecognizedClientException` / `InvalidClientTokenId`).
    case unknownAccessKey(String)
    /// The signature, or the declared payload hash, does not match the request (AWS: `SignatureDoesNotMatch`).
    case signatureMismatch
    /// `x-amz-date` is more than the allowed skew (15 minutes) away from now (AWS: `Signature expired`); for a
    /// presigned URL, `X-Amz-Date` is that far in the future or `X-Amz-Date + X-Amz-Expires` has passed.
    case requestExpired
    /// No usable `x-amz-date` header.
    case missingDate
    /// The key is temporary but the request carries no `x-amz-security-token`.
    case missingSecurityToken
    /// The token does not belong to the key (AWS: `The security token included in the request is invalid`).
    case invalidSecurityToken
    /// The credential scope names another date, region or service, or does not end in `aws4_request`.
    case scopeMismatch(String)
}
