import AWSSigV4
import FoundationEssentials

/// Checks a request's SigV4 signature the way the real service does and answers with the error AWS would send.
struct RequestAuthenticator {
    var region: String
    var credentials: CredentialStore

    /// nil if the request is signed by a known, unexpired key for `service`.
    func check(_ request: SigV4Request, service: String, now: Date) -> AWSError? {
        var expired = false
        let verifier = SigV4Verifier(region: region, service: service) { accessKeyId in
            switch credentials.lookup(accessKeyId, now: now) {
            case nil: return nil
            case .known(let secret, let token)?: return (secret, token)
            case .expired(let secret, let token)?:
                expired = true
                return (secret, token)
            }
        }
        let result = verifier.verify(request, now: now)
        if expired, case .success = result {
            return Self.error("ExpiredTokenException", "The security token included in the request is expired")
        }
        switch result {
        case .success: return nil
        case .failure(let failure): return Self.error(for: failure, request: request, now: now)
        }
    }

    private static func error(_ code: String, _ message: String) -> AWSError {
        AWSError(code: code, status: 403, message: message)
    }

    static func error(for failure: SigV4VerificationError, request: SigV4Request, now: Date) -> AWSError {
        switch failure {
        case .missingAuthorization:
            return error("MissingAuthenticationTokenException", "Missing Authentication Token")
        case .malformedAuthorization(let detail):
            return error(
                "IncompleteSignatureException", "\(detail). Authorization=\(request.value(of: "authorization") ?? "")")
        case .missingDate:
            return error(
                "IncompleteSignatureException",
                "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=\(request.value(of: "authorization") ?? "")"
            )
        case .unknownAccessKey, .missingSecurityToken, .invalidSecurityToken:
            return error("UnrecognizedClientException", "The security token included in the request is invalid.")
        case .signatureMismatch:
            return error(
                "InvalidSignatureException",
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
            )
        case .requestExpired:
            let sent = request.value(of: "x-amz-date") ?? ""
            let signed = AMZDate.parse(sent) ?? now
            if signed < now {
                return error(
                    "InvalidSignatureException",
                    "Signature expired: \(sent) is now earlier than \(AMZDate(now.addingTimeInterval(-900)).amzDate) (\(AMZDate(now).amzDate) - 15 min.)"
                )
            }
            return error(
                "InvalidSignatureException",
                "Signature not yet current: \(sent) is still later than \(AMZDate(now.addingTimeInterval(900)).amzDate) (\(AMZDate(now).amzDate) + 15 min.)"
            )
        case .scopeMismatch(let detail):
            return error("InvalidSignatureException", "Credential should be scoped correctly: \(detail).")
        }
    }
}
