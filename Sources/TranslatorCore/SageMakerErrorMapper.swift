import GatewayWire

/// Turns SageMaker Runtime's errors into the gateway's error kinds, once, as docs/design.md lists them.
/// The AWS error type comes from `x-amzn-ErrorType` (rest-json) or the body's `__type`/`code`.
package enum SageMakerErrorMapper {
    package static func map(status: Int, headers: [(String, String)], body: [UInt8], endpointName: String)
        -> GatewayError
    {
        let json = try? JSONParser.parse(body)
        let headerType = headers.first(where: { $0.0.lowercased() == "x-amzn-errortype" })?.1
        let rawType =
            headerType ?? json?["__type"]?.stringValue ?? json?["code"]?.stringValue ?? json?["Code"]?.stringValue ?? ""
        let type = errorTypeName(rawType)
        let message = json?["message"]?.stringValue ?? json?["Message"]?.stringValue ?? ""
        switch type {
        case "ValidationError":
            if message.lowercased().contains("not found") {
                return GatewayError(.endpointNotFound, "SageMaker endpoint not found: \(message)", param: "model")
            }
            return GatewayError(.upstreamBadRequest, "SageMaker rejected the request: \(message)")
        case "ModelError":
            let original = json?["OriginalStatusCode"]?.intValue ?? 0
            let originalMessage = json?["OriginalMessage"]?.stringValue ?? message
            if (400..<500).contains(original) {
                return GatewayError(.upstreamBadRequest, containerMessage(originalMessage))
            }
            return GatewayError(.upstreamModelError, "The model failed: \(containerMessage(originalMessage))")
        case "ThrottlingException":
            return GatewayError(
                .throttled, "SageMaker is throttling requests to this endpoint; retry shortly.", retryAfterSeconds: 1)
        case "ModelNotReadyException":
            return GatewayError(
                .throttled, "The model is not ready yet; retry shortly. \(message)", retryAfterSeconds: 5)
        case "ServiceUnavailable":
            return GatewayError(.serviceUnavailable, "SageMaker is unavailable; retry shortly.")
        case "InternalFailure", "InternalDependencyException":
            return GatewayError(.upstreamFailure, "SageMaker failed internally (\(type)).")
        case "InvalidSignatureException", "UnrecognizedClientException", "ExpiredTokenException",
            "AccessDeniedException",
            "IncompleteSignatureException", "MissingAuthenticationTokenException", "InvalidClientTokenId":
            // The client learns only that the gateway could not authenticate; the details go to the log.
            return GatewayError(.credentialsFailure, "The gateway could not authenticate to SageMaker.")
        default:
            if status == 404 {
                return GatewayError(
                    .endpointNotFound, "SageMaker endpoint \(endpointName) was not found.", param: "model")
            }
            return GatewayError(
                .upstreamFailure, "SageMaker answered HTTP \(status)\(type.isEmpty ? "" : " (\(type))").")
        }
    }

    /// Whether an error is the gateway's own authentication failing: logged loudly by the caller.
    package static func isCredentialError(_ error: GatewayError) -> Bool { error.kind == .credentialsFailure }

    /// An exception event inside the response stream.
    package static func mapStreamException(type: String, payload: [UInt8]) -> GatewayError {
        let json = try? JSONParser.parse(payload)
        let message =
            json?["Message"]?.stringValue ?? json?["message"]?.stringValue
            ?? String(decoding: payload.prefix(512), as: UTF8.self)
        switch type {
        case "ModelStreamError":
            let code = json?["ErrorCode"]?.stringValue
            return GatewayError(
                .modelStreamError, "The model failed mid-stream\(code.map { " (\($0))" } ?? ""): \(message)")
        case "InternalStreamFailure":
            return GatewayError(.upstreamFailure, "SageMaker's stream failed: \(message)")
        default:
            return GatewayError(.upstreamFailure, "SageMaker stream exception \(type): \(message)")
        }
    }

    /// `ValidationError:http://internal.amazon.com/coral/com.amazon.sagemaker/` and
    /// `com.amazon.coral.service#ValidationError` both name `ValidationError`.
    static func errorTypeName(_ raw: String) -> String {
        var name = Substring(raw)
        if let colon = name.firstIndex(of: ":") { name = name[..<colon] }
        if let hash = name.lastIndex(of: "#") { name = name[name.index(after: hash)...] }
        return String(name).trimmed(of: " ")
    }

    /// Container messages are often JSON themselves (`{"object":"error","message":...}`): show the message.
    static func containerMessage(_ text: String) -> String {
        if let json = try? JSONParser.parse(text) {
            if let m = json["message"]?.stringValue ?? json["error"]?["message"]?.stringValue
                ?? json["error"]?.stringValue
            {
                return m
            }
        }
        return String(text.prefix(2000))
    }
}
