import GatewayWire

/// Errors from SageMaker's OpenAI-compatible route, mapped once. SageMaker's own refusals carry
/// `x-amzn-ErrorType` as on `InvokeEndpoint` and are mapped as there (`SageMakerErrorMapper`); the container's
/// errors come through with its status and its OpenAI-shaped body (`{"error": {"message"}}` or vLLM's
/// `{"object": "error", "message"}`), mapped by status:
/// - 401 and 403: the bearer token was refused. The client learns only that the gateway could not
///   authenticate; the caller logs it loudly (never the token).
/// - 429: throttled, with the upstream `Retry-After` when it gives one in seconds.
/// - 404: the endpoint, component or route does not exist (the client's `model` maps to something missing).
/// - other 4xx: the request was refused, with the container's message (400).
/// - 5xx: the model or SageMaker failed (502).
package enum SageMakerOpenAIErrorMapper {
    package static func map(status: Int, headers: [(String, String)], body: [UInt8], endpointName: String)
        -> GatewayError
    {
        if status == 401 || status == 403 {
            return GatewayError(.credentialsFailure, "The gateway could not authenticate to SageMaker.")
        }
        if status == 429 {
            return GatewayError(
                .throttled, "SageMaker is throttling requests to this endpoint; retry shortly.",
                retryAfterSeconds: retryAfter(headers) ?? 1)
        }
        if header("x-amzn-errortype", in: headers) != nil {
            return SageMakerErrorMapper.map(status: status, headers: headers, body: body, endpointName: endpointName)
        }
        let message = self.message(in: body)
        switch status {
        case 404:
            return GatewayError(
                .endpointNotFound,
                "SageMaker's OpenAI route for endpoint \(endpointName) was not found\(message.map { ": \($0)" } ?? ".")",
                param: "model")
        case 400..<500:
            return GatewayError(.upstreamBadRequest, message ?? "The model refused the request (HTTP \(status)).")
        default:
            return GatewayError(
                .upstreamModelError,
                "The model failed (HTTP \(status))\(message.map { ": \($0)" } ?? ".")")
        }
    }

    /// `Retry-After` in whole seconds (the HTTP-date form is not worth a date parser here).
    static func retryAfter(_ headers: [(String, String)]) -> Int? {
        guard let value = header("retry-after", in: headers), let seconds = Int(value.trimmed(of: " ")), seconds >= 0
        else { return nil }
        return seconds
    }

    private static func header(_ name: String, in headers: [(String, String)]) -> String? {
        headers.first(where: { $0.0.lowercased() == name })?.1
    }

    /// OpenAI's `{"error": {"message"}}`, vLLM's `{"message"}`, TGI's `{"error": "..."}`; else the text itself.
    private static func message(in body: [UInt8]) -> String? {
        guard !body.isEmpty else { return nil }
        let text = String(decoding: body.prefix(4000), as: UTF8.self)
        let message = SageMakerErrorMapper.containerMessage(text)
        return message.isEmpty ? nil : message
    }
}
