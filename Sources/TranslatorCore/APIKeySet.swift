import Crypto
import GatewayWire

/// The accepted API keys, held only as SHA-256 digests so a comparison takes the same time whatever
/// the candidate's length or how many leading bytes match.
package struct APIKeySet: Equatable, Sendable {
    private var digests: [[UInt8]]

    package init<S: Sequence>(keys: S) where S.Element == String {
        digests = keys.filter { !$0.isEmpty }.map { Array(SHA256.hash(data: Array($0.utf8))) }
    }

    package var count: Int { digests.count }
    package var isEmpty: Bool { digests.isEmpty }

    package func contains(_ candidate: String) -> Bool {
        let digest = Array(SHA256.hash(data: Array(candidate.utf8)))
        var found: UInt8 = 1
        for stored in digests {
            var diff: UInt8 = 0
            for i in 0..<32 { diff |= stored[i] ^ digest[i] }
            found &= diff == 0 ? 0 : 1
        }
        return found == 0
    }

    package func union(_ other: APIKeySet) -> APIKeySet {
        var merged = self
        merged.digests.append(contentsOf: other.digests)
        return merged
    }

    /// A short, non-reversible label for logs: never log a key, at most this.
    package static func fingerprint(_ key: String) -> String {
        let digest = SHA256.hash(data: Array(key.utf8))
        return digest.prefix(4).map { byte in
            let hex = Array("0123456789abcdef")
            return String([hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
        }.joined()
    }

    /// The secret formats DESIGN.md accepts: a plain string (one key); a JSON object with `api_key`
    /// or `api_keys`; or, from the earlier Python gateway, `bedrock-access-gateway-apikey`.
    package static func parseSecret(_ secret: String) -> Result<APIKeySet, ConfigError> {
        let trimmed = secret.trimmed(of: " \t\r\n")
        guard !trimmed.isEmpty else { return .failure(ConfigError("the API key secret is empty")) }
        guard trimmed.hasPrefix("{") else { return .success(APIKeySet(keys: [trimmed])) }
        guard let json = try? JSONParser.parse(trimmed) else {
            return .failure(ConfigError("the API key secret looks like JSON but does not parse"))
        }
        var keys: [String] = []
        if let list = json["api_keys"] {
            guard let array = list.arrayValue else {
                return .failure(ConfigError("\"api_keys\" must be an array of strings"))
            }
            for item in array {
                guard let key = item.stringValue else {
                    return .failure(ConfigError("\"api_keys\" must be an array of strings"))
                }
                keys.append(key.trimmed(of: " \t\r\n"))
            }
        }
        for name in ["api_key", "bedrock-access-gateway-apikey"] {
            guard let value = json[name] else { continue }
            guard let key = value.stringValue else { return .failure(ConfigError("\"\(name)\" must be a string")) }
            keys.append(key.trimmed(of: " \t\r\n"))
        }
        let set = APIKeySet(keys: keys)
        guard !set.isEmpty else {
            return .failure(
                ConfigError(
                    "the API key secret is a JSON object without \"api_key\", \"api_keys\" or \"bedrock-access-gateway-apikey\""
                ))
        }
        return .success(set)
    }
}
