import GatewayWire
import OpenAIWire

/// The one place a `GatewayError.Kind` becomes Anthropic's HTTP status and error `type`, and the error
/// object Anthropic's API answers with. https://docs.anthropic.com/en/api/errors
///
///     {"type": "error", "error": {"type": "invalid_request_error", "message": "..."}}
///
/// SageMaker's unavailability (and the gateway's own: translator gone, draining, key store down) is
/// `overloaded_error` 529, which Anthropic's SDKs retry like a 503.
package enum AnthropicErrorMapper {
    package struct Mapping: Equatable, Sendable {
        package var status: Int
        package var type: String
    }

    package static let missingAPIKeyMessage =
        "x-api-key header is required (or Authorization: Bearer); ask the operator of this gateway for a key."
    /// Never includes the key, for the reason `OpenAIErrorMapper.invalidAPIKeyMessage` gives.
    package static let invalidAPIKeyMessage = "invalid x-api-key"

    package static func mapping(for kind: GatewayError.Kind) -> Mapping {
        switch kind {
        case .invalidRequest, .upstreamBadRequest: return Mapping(status: 400, type: "invalid_request_error")
        case .missingAPIKey, .invalidAPIKey: return Mapping(status: 401, type: "authentication_error")
        case .modelNotFound, .endpointNotFound: return Mapping(status: 404, type: "not_found_error")
        case .throttled: return Mapping(status: 429, type: "rate_limit_error")
        case .serviceUnavailable, .authUnavailable, .translatorUnavailable, .shuttingDown:
            return Mapping(status: 529, type: "overloaded_error")
        case .upstreamModelError, .upstreamFailure, .credentialsFailure, .modelStreamError:
            return Mapping(status: 502, type: "api_error")
        case .upstreamTimeout: return Mapping(status: 504, type: "api_error")
        case .internalError: return Mapping(status: 500, type: "api_error")
        }
    }

    package static func message(for error: GatewayError) -> String {
        switch error.kind {
        case .missingAPIKey: return missingAPIKeyMessage
        case .invalidAPIKey: return invalidAPIKeyMessage
        default: return error.message
        }
    }

    package static func object(for error: GatewayError) -> JSONValue {
        object(type: mapping(for: error.kind).type, message: message(for: error))
    }

    package static func object(type: String, message: String) -> JSONValue {
        .object([
            ("type", .string("error")),
            ("error", .object([("type", .string(type)), ("message", .string(message))])),
        ])
    }

    package static func response(for error: GatewayError) -> OpenAIErrorResponse {
        let m = mapping(for: error.kind)
        var response = response(status: m.status, type: m.type, message: message(for: error))
        if error.kind == .throttled {
            response.headers.append(("Retry-After", String(max(error.retryAfterSeconds ?? 1, 0))))
        }
        return response
    }

    /// Any error answer, also for the statuses no `GatewayError.Kind` covers (405, 413).
    package static func response(
        status: Int, type: String, message: String, extraHeaders: [(String, String)] = []
    ) -> OpenAIErrorResponse {
        OpenAIErrorResponse(
            status: status, headers: [("Content-Type", "application/json")] + extraHeaders,
            body: JSONWriter.bytes(object(type: type, message: message)))
    }

    package static func methodNotAllowed(method: String, path: String) -> OpenAIErrorResponse {
        response(
            status: 405, type: "invalid_request_error",
            message: "Method \(method) is not allowed for \(path); use POST.",
            extraHeaders: [("Allow", "POST")])
    }

    /// A body over `MAX_BODY_BYTES`: Anthropic's own type for it.
    package static func payloadTooLarge(limit: Int) -> OpenAIErrorResponse {
        response(
            status: 413, type: "request_too_large",
            message: "The request body is too large: the limit is \(limit) bytes.")
    }
}
