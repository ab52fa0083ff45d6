import Crypto
import GatewayWire

/// The accepted API keys, held only as SHA-256 digests so a comparison takes the same time whatever
/// the candidate's length or how many leading bytes match; each with the grant the secret gave it.
package struct APIKeySet: Equatable, Sendable {
    /// One accepted key: its digest, and its name and model scope when the secret gave them.
    package struct Entry: Equatable, Sendable {
        package var key: String
        package var name: String?
        package var models: Set<String>?

        package init(key: String, name: String? = nil, models: Set<String>? = nil) {
            self.key = key
            self.name = name
            self.models = models
        }
    }

    private struct Stored: Equatable, Sendable {
        var digest: [UInt8]
        var name: String?
        var models: Set<String>?
    }

    private var stored: [Stored]

    package init<S: Sequence>(keys: S) where S.Element == String {
        self.init(entries: keys.map { Entry(key: $0) })
    }

    package init(entries: [Entry]) {
        stored = entries.filter { !$0.key.isEmpty }.map {
            Stored(digest: Self.digest($0.key), name: $0.name, models: $0.models)
        }
    }

    package var count: Int { stored.count }
    package var isEmpty: Bool { stored.isEmpty }

    package func contains(_ candidate: String) -> Bool { grant(for: candidate) != nil }

    /// The grant of the key `candidate` is, or nil. Every stored digest is compared in full.
    package func grant(for candidate: String) -> APIKeyGrant? {
        let digest = Self.digest(candidate)
        var match: Int?
        for (index, entry) in stored.enumerated() {
            var diff: UInt8 = 0
            for i in 0..<32 { diff |= entry.digest[i] ^ digest[i] }
            if diff == 0 && match == nil { match = index }
        }
        guard let match else { return nil }
        return APIKeyGrant(
            name: stored[match].name, models: stored[match].models, fingerprint: Self.fingerprint(digest: digest))
    }

    package func union(_ other: APIKeySet) -> APIKeySet {
        var merged = self
        merged.stored.append(contentsOf: other.stored)
        return merged
    }

    /// A short, non-reversible label for logs: never log a key, at most this.
    package static func fingerprint(_ key: String) -> String {
        fingerprint(digest: digest(key))
    }

    /// The key's SHA-256, hashed from the string's own bytes: `SHA256.hash(data:)` and `Array(digest)` go
    /// through generic `DataProtocol` and `Sequence` paths whose metadata the profile showed being looked up
    /// at run time on every request (two thirds of checking a key).
    private static func digest(_ key: String) -> [UInt8] {
        var key = key
        var hasher = SHA256()
        key.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        return hasher.finalize().withUnsafeBytes { [UInt8]($0) }
    }

    /// The first four bytes of the key's digest in hex; every request has one, so no second hash of the key and
    /// no `Character` arrays.
    private static func fingerprint(digest: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(8)
        for byte in digest.prefix(4) {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// The secret formats docs/design.md accepts: a plain string (one key); a JSON object with `api_key`
    /// or `api_keys`; or, from the earlier Python gateway, `bedrock-access-gateway-apikey`. An
    /// `api_keys` entry is a string or `{"key": "...", "name": "team-search", "models": ["bge-large"]}`.
    package static func parseSecret(_ secret: String) -> Result<APIKeySet, ConfigError> {
        let trimmed = secret.trimmed(of: " \t\r\n")
        guard !trimmed.isEmpty else { return .failure(ConfigError("the API key secret is empty")) }
        guard trimmed.hasPrefix("{") else { return .success(APIKeySet(keys: [trimmed])) }
        guard let json = try? JSONParser.parse(trimmed) else {
            return .failure(ConfigError("the API key secret looks like JSON but does not parse"))
        }
        var entries: [Entry] = []
        if let list = json["api_keys"] {
            guard let array = list.arrayValue else {
                return .failure(ConfigError("\"api_keys\" must be an array of strings or key objects"))
            }
            for (index, item) in array.enumerated() {
                switch parseEntry(item, at: index) {
                case .success(let entry): entries.append(entry)
                case .failure(let error): return .failure(error)
                }
            }
        }
        for name in ["api_key", "bedrock-access-gateway-apikey"] {
            guard let value = json[name] else { continue }
            guard let key = value.stringValue else { return .failure(ConfigError("\"\(name)\" must be a string")) }
            entries.append(Entry(key: key.trimmed(of: " \t\r\n")))
        }
        let set = APIKeySet(entries: entries)
        guard !set.isEmpty else {
            return .failure(
                ConfigError(
                    "the API key secret is a JSON object without \"api_key\", \"api_keys\" or \"bedrock-access-gateway-apikey\""
                ))
        }
        return .success(set)
    }

    private static func parseEntry(_ item: JSONValue, at index: Int) -> Result<Entry, ConfigError> {
        let path = "api_keys[\(index)]"
        if let key = item.stringValue { return .success(Entry(key: key.trimmed(of: " \t\r\n"))) }
        guard let members = item.objectValue else {
            return .failure(ConfigError("\(path) must be a string or an object with \"key\""))
        }
        for (name, _) in members where !["key", "name", "models"].contains(name) {
            return .failure(ConfigError("\(path) has an unknown field \"\(name)\" (allowed: key, name, models)"))
        }
        guard let key = item["key"]?.stringValue, !key.trimmed(of: " \t\r\n").isEmpty else {
            return .failure(ConfigError("\(path).key must be a non-empty string"))
        }
        var name: String?
        if let value = item["name"], !value.isNull {
            guard let text = value.stringValue, !text.isEmpty, text.allSatisfy({ !$0.isWhitespace && !$0.isNewline })
            else {
                return .failure(ConfigError("\(path).name must be a non-empty string without spaces"))
            }
            name = text
        }
        var models: Set<String>?
        if let value = item["models"], !value.isNull {
            guard let array = value.arrayValue else {
                return .failure(ConfigError("\(path).models must be an array of model ids"))
            }
            var ids: Set<String> = []
            for element in array {
                guard let id = element.stringValue, !id.isEmpty else {
                    return .failure(ConfigError("\(path).models must be an array of model ids"))
                }
                ids.insert(id)
            }
            models = ids
        }
        return .success(Entry(key: key.trimmed(of: " \t\r\n"), name: name, models: models))
    }
}
