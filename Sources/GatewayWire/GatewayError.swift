/// A failure the client must hear about, classified once where it is detected; OpenAIWire maps each
/// kind to OpenAI's status, type and code in one place.
package struct GatewayError: Error, Equatable, Sendable {
    package enum Kind: String, Sendable, CaseIterable {
        case invalidRequest = "invalid_request"
        case missingAPIKey = "missing_api_key"
        case invalidAPIKey = "invalid_api_key"
        case modelNotFound = "model_not_found"
        case endpointNotFound = "endpoint_not_found"
        case upstreamBadRequest = "upstream_bad_request"
        case upstreamModelError = "upstream_model_error"
        case throttled = "throttled"
        case serviceUnavailable = "service_unavailable"
        case upstreamFailure = "upstream_failure"
        case upstreamTimeout = "upstream_timeout"
        case credentialsFailure = "credentials_failure"
        case authUnavailable = "auth_unavailable"
        case translatorUnavailable = "translator_unavailable"
        case modelStreamError = "model_stream_error"
        case shuttingDown = "shutting_down"
        case internalError = "internal_error"
    }

    package var kind: Kind
    package var message: String
    package var param: String?
    package var retryAfterSeconds: Int?

    package init(_ kind: Kind, _ message: String, param: String? = nil, retryAfterSeconds: Int? = nil) {
        self.kind = kind
        self.message = message
        self.param = param
        self.retryAfterSeconds = retryAfterSeconds
    }
}
