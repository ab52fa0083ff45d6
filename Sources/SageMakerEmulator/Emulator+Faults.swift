import EventLoop
import GatewayLog
import GatewayWire

/// Outages the tests switch on and off at run time (`POST /_emulator/faults`).
struct EmulatorFaults {
    /// GetSecretValue answers 503 InternalServiceError while set.
    var secretsManagerUnavailable = false
}

extension Emulator {
    /// `{"secretsmanager": "unavailable" | "ok"}`; answers with the faults now in force.
    func setFaults(_ exchange: HTTPExchange) {
        guard let body = try? JSONParser.parse(exchange.body), body.objectValue != nil else {
            return respondJSON(exchange, 400, .object([("message", .string("expected a JSON object"))]))
        }
        if let value = body["secretsmanager"]?.stringValue {
            guard value == "unavailable" || value == "ok" else {
                return respondJSON(
                    exchange, 400, .object([("message", .string("secretsmanager must be \"unavailable\" or \"ok\""))]))
            }
            faults.secretsManagerUnavailable = value == "unavailable"
            Log.info("fault: Secrets Manager \(value)")
        }
        respondJSON(
            exchange, 200,
            .object([("secretsmanager", .string(faults.secretsManagerUnavailable ? "unavailable" : "ok"))]))
    }
}
