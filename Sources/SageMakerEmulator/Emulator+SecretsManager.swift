import EventLoop
import FoundationEssentials
import GatewayLog
import GatewayWire

extension Emulator {
    /// `GetSecretValue` over awsJson1.1. https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html
    func secretsManager(_ exchange: HTTPExchange, requestId: String) {
        if let failure = authenticate(exchange, service: "secretsmanager") {
            return respond(exchange, failure.awsJSON(requestId: requestId))
        }
        guard exchange.header("X-Amz-Target") == "secretsmanager.GetSecretValue" else {
            let target = exchange.header("X-Amz-Target") ?? ""
            return respond(
                exchange,
                AWSError(code: "UnknownOperationException", status: 400, message: "Unknown operation \(target)")
                    .awsJSON(requestId: requestId))
        }
        stats.secretFetches += 1
        if faults.secretsManagerUnavailable {
            return respond(
                exchange,
                AWSError(code: "InternalServiceError", status: 503, message: "An error occurred on the server side.")
                    .awsJSON(requestId: requestId))
        }
        guard let request = try? JSONParser.parse(exchange.body), request.objectValue != nil else {
            return respond(
                exchange,
                AWSError(
                    code: "SerializationException", status: 400,
                    message: "Start of structure or map found where not expected."
                ).awsJSON(requestId: requestId))
        }
        guard let secretId = request["SecretId"]?.stringValue, !secretId.isEmpty else {
            return respond(
                exchange,
                AWSError(
                    code: "ValidationException", status: 400,
                    message:
                        "1 validation error detected: Value null at 'secretId' failed to satisfy constraint: Member must not be null"
                ).awsJSON(requestId: requestId))
        }
        guard let secret = secrets.find(secretId), Self.matches(request, secret) else {
            return respond(
                exchange,
                AWSError(
                    code: "ResourceNotFoundException", status: 400,
                    message: "Secrets Manager can't find the specified secret."
                )
                .awsJSON(requestId: requestId))
        }
        exchange.respond(
            status: 200, headers: [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-RequestId", requestId)],
            body: JSONWriter.bytes(secrets.response(for: secret)))
    }

    /// Only the current version exists, so a VersionId or VersionStage must name it.
    static func matches(_ request: JSONValue, _ secret: SecretStore.Secret) -> Bool {
        if let id = request["VersionId"]?.stringValue, id != secret.versionId { return false }
        if let stage = request["VersionStage"]?.stringValue, stage != "AWSCURRENT" { return false }
        return true
    }

    func setSecret(_ exchange: HTTPExchange) {
        guard let body = try? JSONParser.parse(exchange.body), let name = body["name"]?.stringValue,
            let value = body["value"]?.stringValue
        else {
            return respondJSON(
                exchange, 400, .object([("message", .string("expected {\"name\": string, \"value\": string}"))]))
        }
        secrets.set(name: name, value: value, now: Date())
        Log.info("secret \(name) set")
        respondJSON(exchange, 200, .object([("ARN", .string(secrets.arn(of: name))), ("Name", .string(name))]))
    }
}
