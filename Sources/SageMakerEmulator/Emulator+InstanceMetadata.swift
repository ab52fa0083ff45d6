import EventLoop
import FoundationEssentials
import GatewayWire

extension Emulator {
    static let imdsTokenTTLHeader = "X-aws-ec2-metadata-token-ttl-seconds"
    static let imdsCredentialsPath = "/latest/meta-data/iam/security-credentials/"

    /// IMDSv2's session token: `PUT /latest/api/token` with a TTL of 1 to 21600 seconds.
    /// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html
    func instanceMetadataToken(_ exchange: HTTPExchange) {
        // IMDS refuses proxied token requests, so a token cannot leave the instance through a proxy.
        if exchange.header("X-Forwarded-For") != nil { return plain(exchange, 403, "Forbidden") }
        guard let raw = exchange.header(Self.imdsTokenTTLHeader), let ttl = Int(raw), (1...21600).contains(ttl) else {
            return plain(exchange, 400, "Bad Request")
        }
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
        let token = "AQAEA" + String((0..<51).map { _ in alphabet[Int(rng.next(upperBound: UInt64(alphabet.count)))] })
        let now = Date()
        instanceMetadataTokens = instanceMetadataTokens.filter { $0.value > now }
        instanceMetadataTokens[token] = now.addingTimeInterval(Double(ttl))
        stats.imdsTokens += 1
        exchange.respond(
            status: 200, headers: [("Content-Type", "text/plain"), (Self.imdsTokenTTLHeader, String(ttl))],
            body: Array(token.utf8))
    }

    /// `GET /latest/meta-data/...` in IMDSv2-only mode: without a valid token, 401.
    func instanceMetadata(_ exchange: HTTPExchange) {
        guard let token = exchange.header("X-aws-ec2-metadata-token"), let expiry = instanceMetadataTokens[token],
            expiry > Date()
        else {
            return plain(exchange, 401, "Unauthorized")
        }
        let path = exchange.path
        guard path.hasPrefix(Self.imdsCredentialsPath) else { return plain(exchange, 404, "Not Found") }
        let role = String(path.dropFirst(Self.imdsCredentialsPath.count))
        if role.isEmpty { return plain(exchange, 200, config.instanceRole) }
        guard role == config.instanceRole else { return plain(exchange, 404, "Not Found") }
        stats.imdsCredentialFetches += 1
        let now = Date()
        let minted = credentials.mint(now: now)
        respondJSON(
            exchange, 200,
            .object([
                ("Code", .string("Success")),
                ("LastUpdated", .string(now.iso8601)),
                ("Type", .string("AWS-HMAC")),
                ("AccessKeyId", .string(minted.credentials.accessKeyId)),
                ("SecretAccessKey", .string(minted.credentials.secretAccessKey)),
                ("Token", .string(minted.credentials.sessionToken ?? "")),
                ("Expiration", .string(minted.expiration.iso8601)),
            ]))
    }

    private func plain(_ exchange: HTTPExchange, _ status: Int, _ text: String) {
        exchange.respond(status: status, headers: [("Content-Type", "text/plain")], body: Array(text.utf8))
    }
}
