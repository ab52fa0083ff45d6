import GatewayWire

/// The one place a `GatewayError.Kind` becomes OpenAI's HTTP status, error `type` and `code`.
/// Error object shape: https://platform.openai.com/docs/guides/error-codes
///
///     {"error": {"message": "...", "type": "invalid_request_error", "param": null, "code": null}}
package enum OpenAIErrorMapper {
    package struct Mapping: Equatable, Sendable {
        package var status: Int
        package var type: String
        package var code: String?
    }

    /// OpenAI's text, minus its links to OpenAI's own dashboard: keys come from this gateway's operator.
    package static let missingAPIKeyMessage =
        "You didn't provide an API key. You need to provide your API key in an Authorization header using "
        + "Bearer auth (i.e. Authorization: Bearer YOUR_KEY). Ask the operator of this gateway for a key."
    /// Never includes the key: it may be a real key for another service pasted by mistake, and logs and
    /// client-side error reporting would spread it.
    package static let invalidAPIKeyMessage =
        "Incorrect API key provided. Check the key you are using, or ask the operator of this gateway for a valid one."

    package static func mapping(for kind: GatewayError.Kind) -> Mapping {
        switch kind {
        case .invalidRequest: return Mapping(status: 400, type: "invalid_request_error", code: nil)
        case .missingAPIKey: return Mapping(status: 401, type: "invalid_request_error", code: nil)
        case .invalidAPIKey: return Mapping(status: 401, type: "invalid_request_error", code: "invalid_api_key")
        case .modelNotFound: return Mapping(status: 404, type: "invalid_request_error", code: "model_not_found")
        case .endpointNotFound: return Mapping(status: 404, type: "invalid_request_error", code: "model_not_found")
        case .upstreamBadRequest: return Mapping(status: 400, type: "invalid_request_error", code: nil)
        case .upstreamModelError: return Mapping(status: 502, type: "server_error", code: nil)
        case .throttled: return Mapping(status: 429, type: "requests", code: "rate_limit_exceeded")
        case .serviceUnavailable: return Mapping(status: 503, type: "server_error", code: nil)
        case .upstreamFailure: return Mapping(status: 502, type: "server_error", code: nil)
        case .upstreamTimeout: return Mapping(status: 504, type: "server_error", code: "timeout")
        case .credentialsFailure: return Mapping(status: 502, type: "server_error", code: nil)
        case .authUnavailable: return Mapping(status: 503, type: "server_error", code: nil)
        case .translatorUnavailable: return Mapping(status: 503, type: "server_error", code: "translator_unavailable")
        case .modelStreamError: return Mapping(status: 502, type: "server_error", code: "model_error")
        case .shuttingDown: return Mapping(status: 503, type: "server_error", code: nil)
        case .internalError: return Mapping(status: 500, type: "server_error", code: nil)
        }
    }

    /// The message the client sees: fixed texts for the key errors, the error's own message otherwise.
    package static func message(for error: GatewayError) -> String {
        switch error.kind {
        case .missingAPIKey: return missingAPIKeyMessage
        case .invalidAPIKey: return invalidAPIKeyMessage
        default: return error.message
        }
    }

    package static func object(for error: GatewayError) -> JSONValue {
        let m = mapping(for: error.kind)
        return object(message: message(for: error), type: m.type, param: error.param, code: m.code)
    }

    package static func object(message: String, type: String, param: String?, code: String?) -> JSONValue {
        .object([
            (
                "error",
                .object([
                    ("message", .string(message)),
                    ("type", .string(type)),
                    ("param", param.map(JSONValue.string) ?? .null),
                    ("code", code.map(JSONValue.string) ?? .null),
                ])
            )
        ])
    }

    package static func response(for error: GatewayError) -> OpenAIErrorResponse {
        let m = mapping(for: error.kind)
        var response = response(
            status: m.status, type: m.type, code: m.code, message: message(for: error), param: error.param)
        if error.kind == .throttled {
            response.headers.append(("Retry-After", String(max(error.retryAfterSeconds ?? 1, 0))))
        }
        return response
    }

    /// Any error answer; for the statuses no `GatewayError.Kind` covers (404 route, 405, 413).
    package static func response(
        status: Int, type: String, code: String? = nil, message: String, param: String? = nil,
        extraHeaders: [(String, String)] = []
    ) -> OpenAIErrorResponse {
        OpenAIErrorResponse(
            status: status,
            headers: [("Content-Type", "application/json")] + extraHeaders,
            body: JSONWriter.bytes(object(message: message, type: type, param: param, code: code)))
    }

    /// OpenAI's answer to a path it does not serve: `Invalid URL (POST /v1/foo)`.
    package static func unknownRoute(method: String, path: String) -> OpenAIErrorResponse {
        response(
            status: 404, type: "invalid_request_error",
            message: "Invalid URL (\(method) \(PathRedaction.redacted(path)))")
    }

    /// A served path with the wrong method; `allowed` fills the `Allow` header RFC 9110 asks of a 405.
    package static func methodNotAllowed(method: String, path: String, allowed: [String]) -> OpenAIErrorResponse {
        response(
            status: 405, type: "invalid_request_error",
            message: "Invalid method for URL (\(method) \(PathRedaction.redacted(path)))",
            extraHeaders: allowed.isEmpty ? [] : [("Allow", allowed.joined(separator: ", "))])
    }

    /// A body over `MAX_BODY_BYTES`.
    package static func payloadTooLarge(limit: Int) -> OpenAIErrorResponse {
        response(
            status: 413, type: "invalid_request_error",
            message: "The request body is too large: the limit is \(limit) bytes.")
    }

    /// A request line and headers over the shim's limit (`MAX_HEADER_BYTES`).
    package static func headersTooLarge(limit: Int) -> OpenAIErrorResponse {
        response(
            status: 431, type: "invalid_request_error",
            message: "The request line and headers are too large: the limit is \(limit) bytes.")
    }

    /// A request head that did not arrive in time (`HEADER_TIMEOUT_SECONDS`).
    package static func headerTimeout(seconds: Double) -> OpenAIErrorResponse {
        response(
            status: 408, type: "invalid_request_error",
            message: "The request headers did not arrive within \(seconds.formatted) seconds.")
    }
}

extension Double {
    /// `15` rather than `15.0`; fractions as Swift prints them.
    fileprivate var formatted: String {
        self == rounded() && abs(self) < 1e15 ? String(Int(self)) : String(self)
    }
}
