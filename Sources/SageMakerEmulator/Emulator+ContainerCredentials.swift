import EventLoop
import FoundationEssentials
import GatewayWire

extension Emulator {
    /// The ECS task-role endpoint (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` / `_FULL_URI`).
    /// https://docs.aws.amazon.com/sdkref/latest/guide/feature-container-credentials.html
    func containerCredentials(_ exchange: HTTPExchange) {
        if let token = config.containerCredentialsToken {
            guard let sent = exchange.header("Authorization") else {
                return respondJSON(exchange, 401, .object([("message", .string("Authorization header required"))]))
            }
            guard sent == token else {
                return respondJSON(exchange, 403, .object([("message", .string("Authorization token is invalid"))]))
            }
        }
        stats.credentialFetches += 1
        let minted = credentials.mint(now: Date())
        respondJSON(
            exchange, 200,
            .object([
                ("AccessKeyId", .string(minted.credentials.accessKeyId)),
                ("SecretAccessKey", .string(minted.credentials.secretAccessKey)),
                ("Token", .string(minted.credentials.sessionToken ?? "")),
                ("Expiration", .string(minted.expiration.iso8601)),
                ("RoleArn", .string(EmulatorIdentity.roleArn)),
            ]))
    }
}
