import AWSSigV4
import FoundationEssentials
import GatewayLog

/// Checks the bearer token of SageMaker's OpenAI-compatible route (`/endpoints/<ep>[/inference-components/<ic>]
/// /openai/v1/…`) against the same keys as signed calls, and answers with the error AWS would send. The checks
/// themselves are `SageMakerBearerTokenVerifier` (AWSSigV4, unit-tested); this maps its refusals to wire errors.
///
/// Every refusal is a 403, as AWS answers authentication failures. SageMaker's own messages are not documented;
/// those for the token's format, its signature and its expiry are Bedrock's, which takes the same kind of key
/// (`bedrock-api-key-`, same presigned `CallWithBearerToken` URL): `AccessDeniedException` with
/// "Invalid API Key format: Must start with pre-defined prefix", "Authentication failed: Please make sure your API
/// Key is valid." and "Bearer Token has expired". The rest reuse the SigV4 errors of `RequestAuthenticator`, with
/// the detail after "Invalid API Key format:" being the emulator's own.
struct BearerTokenAuthenticator {
    var region: String
    var credentials: CredentialStore

    /// The access key id that minted the token in `bearer` (the `Authorization` header value), or the error to send.
    func authenticate(bearer: String?, now: Date) -> Result<String, AWSError> {
        var expiredCredentials = false
        let verifier = SageMakerBearerTokenVerifier(region: region) { accessKeyId in
            switch credentials.lookup(accessKeyId, now: now) {
            case nil: return nil
            case .known(let secret, let token)?: return (secret, token)
            case .expired(let secret, let token)?:
                expiredCredentials = true
                return (secret, token)
            }
        }
        switch verifier.verify(authorization: bearer, now: now) {
        case .success(let verified):
            if expiredCredentials {
                return .failure(
                    Self.error("ExpiredTokenException", "The security token included in the request is expired"))
            }
            return .success(verified.accessKeyId)
        case .failure(let failure):
            return .failure(Self.error(for: failure))
        }
    }

    private static func error(_ code: String, _ message: String) -> AWSError {
        AWSError(code: code, status: 403, message: message)
    }

    private static func invalidFormat(_ detail: String) -> AWSError {
        error("AccessDeniedException", "Invalid API Key format: \(detail)")
    }

    static func error(for failure: SageMakerBearerTokenError) -> AWSError {
        switch failure {
        case .missing:
            return error("MissingAuthenticationTokenException", "Missing Authentication Token")
        case .notBearer:
            return invalidFormat("Authorization must use the Bearer scheme")
        case .missingPrefix:
            return invalidFormat("Must start with pre-defined prefix")
        case .malformedBase64:
            return invalidFormat("the key after the prefix is not base64")
        case .malformedURL(let detail):
            return invalidFormat(detail)
        case .wrongHost(let host):
            return invalidFormat("the signed host must be \(SageMakerBearerToken.host), not \(host)")
        case .wrongAction(let action):
            return invalidFormat("the signed Action must be \(SageMakerBearerToken.action), not '\(action)'")
        case .unsupportedVersion(let version):
            return invalidFormat("unsupported Version '\(version)'")
        case .expired:
            return error("AccessDeniedException", "Bearer Token has expired")
        case .notYetValid:
            return error("AccessDeniedException", "Bearer Token is not yet valid")
        case .signature(.unknownAccessKey), .signature(.missingSecurityToken), .signature(.invalidSecurityToken):
            return error("UnrecognizedClientException", "The security token included in the request is invalid.")
        case .signature(.signatureMismatch):
            return error("AccessDeniedException", "Authentication failed: Please make sure your API Key is valid.")
        case .signature(.scopeMismatch(let detail)):
            return error("InvalidSignatureException", "Credential should be scoped correctly: \(detail).")
        case .signature(.malformedAuthorization(let detail)):
            return invalidFormat(detail)
        case .signature(.missingAuthorization), .signature(.missingDate), .signature(.requestExpired):
            // The verifier reports expiry as .expired / .notYetValid; the others mean X-Amz-* parameters are absent.
            return invalidFormat("the presigned URL lacks its X-Amz-Algorithm or X-Amz-Date")
        }
    }
}

extension Emulator {
    /// The hook for the `/openai/v1` route: the access key id behind the `Authorization` header value `bearer`, or
    /// the 403 to answer with (counted and logged like a refused signature).
    func authenticate(bearer: String?, now: Date = Date()) -> Result<String, AWSError> {
        let result = BearerTokenAuthenticator(region: config.region, credentials: credentials)
            .authenticate(bearer: bearer, now: now)
        if case .failure(let failure) = result {
            stats.signatureFailures += 1
            Log.info("bearer token refused: \(failure.code): \(failure.message)")
        }
        return result
    }
}
