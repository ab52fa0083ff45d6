import GatewayWire

/// An error as an AWS service puts it on the wire, so the real SDKs (botocore's rest-json and json parsers)
/// read the same code, message and modeled fields they would from AWS.
///
/// Status codes follow SageMaker Runtime's service model (botocore `sagemaker-runtime/2017-05-13/service-2.json`).
struct AWSError: Error {
    var code: String
    var status: Int
    var message: String
    /// Modeled members besides the message (ModelError's `OriginalStatusCode`, ...), in AWS's order.
    var fields: [(String, JSONValue)] = []
    /// The coral namespace AWS appends to `x-amzn-ErrorType` (`Code:http://internal.amazon.com/coral/<ns>/`).
    var namespace = "com.amazon.coral.service"

    /// `x-amzn-ErrorType` plus `{"message": ...}`: what rest-json services (SageMaker Runtime) send.
    func restJSON(requestId: String) -> (status: Int, headers: [(String, String)], body: [UInt8]) {
        var members = fields
        if !fields.contains(where: { $0.0.lowercased() == "message" }) {
            members.insert(("message", .string(message)), at: 0)
        }
        return (
            status, headers(requestId: requestId, contentType: "application/json"), JSONWriter.bytes(.object(members))
        )
    }

    /// `{"__type": ..., "Message": ...}`: what awsJson1.1 services (Secrets Manager) send.
    func awsJSON(requestId: String) -> (status: Int, headers: [(String, String)], body: [UInt8]) {
        var members: [(String, JSONValue)] = [("__type", .string(code))]
        members.append(("Message", .string(message)))
        members.append(contentsOf: fields)
        return (
            status, headers(requestId: requestId, contentType: "application/x-amz-json-1.1"),
            JSONWriter.bytes(.object(members))
        )
    }

    private func headers(requestId: String, contentType: String) -> [(String, String)] {
        [
            ("Content-Type", contentType),
            ("x-amzn-RequestId", requestId),
            ("x-amzn-ErrorType", "\(code):http://internal.amazon.com/coral/\(namespace)/"),
        ]
    }
}

extension AWSError {
    static func validation(_ message: String) -> AWSError {
        AWSError(code: "ValidationError", status: 400, message: message, namespace: "com.amazon.sagemaker")
    }
    static func throttling() -> AWSError {
        // Observed from SageMaker Runtime: 400 with a null message (https://github.com/opensearch-project/ml-commons/issues/2429).
        AWSError(
            code: "ThrottlingException", status: 400, message: "Rate exceeded", fields: [("message", .null)],
            namespace: "com.amazon.sagemaker")
    }
    static func modelNotReady(endpoint: String) -> AWSError {
        AWSError(
            code: "ModelNotReadyException", status: 429,
            message: "Model for endpoint \(endpoint) is not ready yet. Please try again later.",
            namespace: "com.amazon.sagemaker")
    }
    static func serviceUnavailable() -> AWSError {
        AWSError(
            code: "ServiceUnavailable", status: 503, message: "Service is unavailable. Please try again later.",
            namespace: "com.amazon.sagemaker")
    }
    static func internalFailure() -> AWSError {
        AWSError(
            code: "InternalFailure", status: 500, message: "An internal failure occurred. Please try again later.",
            namespace: "com.amazon.sagemaker")
    }
    static func internalDependency() -> AWSError {
        AWSError(
            code: "InternalDependencyException", status: 530, message: "An internal dependency failed.",
            namespace: "com.amazon.sagemaker")
    }

    /// InvokeEndpoint's answer when the container takes longer than 60 seconds: a ModelError with original
    /// status 0, as SageMaker reports it.
    static func invocationTimedOut(endpoint: String, region: String) -> AWSError {
        let original =
            "Your invocation timed out while waiting for a response from container primary. Review the latency "
            + "metrics for each container in Amazon CloudWatch, resolve the issue, and try again."
        return model(status: 0, body: original, endpoint: endpoint, region: region)
    }

    /// SageMaker's wrapper around a container's non-2xx answer: status 424, the container's status and body kept
    /// in `OriginalStatusCode` / `OriginalMessage`.
    static func model(status: Int, body: String, endpoint: String, region: String) -> AWSError {
        // Status 0 is SageMaker's "no answer at all" (a timeout): a server error.
        let clientError = status > 0 && status < 500
        let kind = clientError ? "client" : "server"
        let logGroup = "/aws/sagemaker/Endpoints/\(endpoint)"
        let message =
            "Received \(kind) error (\(status)) from primary with message \"\(body)\". See "
            + "https://\(region).console.aws.amazon.com/cloudwatch/home?region=\(region)#logEventViewer:group=\(logGroup) "
            + "in account \(EmulatorIdentity.account) for more information."
        return AWSError(
            code: "ModelError", status: 424, message: message,
            fields: [
                ("ErrorCode", .string(clientError ? "CLIENT_ERROR_FROM_MODEL" : "SERVER_ERROR_FROM_MODEL")),
                ("LogStreamArn", .string("arn:aws:logs:\(region):\(EmulatorIdentity.account):log-group:\(logGroup)")),
                ("Message", .string(message)),
                ("OriginalMessage", .string(body)),
                ("OriginalStatusCode", .int(status)),
            ],
            namespace: "com.amazon.sagemaker")
    }
}

/// The fixed account and names the emulator reports.
enum EmulatorIdentity {
    static let account = "123456789012"
    static let roleArn = "arn:aws:iam::123456789012:role/emulator"
}
