import Testing

@testable import TranslatorCore

@Suite("APIKeySet")
struct APIKeySetTests {
    struct Accepted: Sendable, CustomTestStringConvertible {
        var label: String
        var secret: String
        var keys: [String]
        var testDescription: String { label }
    }

    static let accepted: [Accepted] = [
        Accepted(label: "plain string", secret: "sk-plain-123", keys: ["sk-plain-123"]),
        Accepted(label: "plain string with whitespace", secret: " \tsk-plain-123\r\n", keys: ["sk-plain-123"]),
        Accepted(label: "plain string with a trailing newline", secret: "sk-file-key\n", keys: ["sk-file-key"]),
        Accepted(label: "api_key", secret: #"{"api_key": "k1"}"#, keys: ["k1"]),
        Accepted(label: "api_keys", secret: #"{"api_keys": ["k1", "k2", "k3"]}"#, keys: ["k1", "k2", "k3"]),
        Accepted(
            label: "legacy python gateway", secret: #"{"bedrock-access-gateway-apikey": "legacy"}"#, keys: ["legacy"]),
        Accepted(label: "JSON with surrounding whitespace", secret: "\n  {\"api_key\": \"k1\"}  \n", keys: ["k1"]),
        Accepted(label: "JSON keys trimmed", secret: #"{"api_keys": [" k1 ", "k2\n"]}"#, keys: ["k1", "k2"]),
        Accepted(
            label: "all forms merged",
            secret: #"{"api_keys":["a","b"],"api_key":"c","bedrock-access-gateway-apikey":"d","other":1}"#,
            keys: ["a", "b", "c", "d"]),
        Accepted(label: "empty entries dropped", secret: #"{"api_keys": ["", "k"]}"#, keys: ["k"]),
    ]

    @Test("parses", arguments: accepted)
    func parses(_ a: Accepted) throws {
        let set = try APIKeySet.parseSecret(a.secret).get()
        #expect(set.count == a.keys.count)
        for key in a.keys { #expect(set.contains(key)) }
        #expect(!set.contains("nope"))
    }

    @Test(
        "refuses",
        arguments: [
            ("", "the API key secret is empty"),
            (" \n\t ", "the API key secret is empty"),
            (#"{"api_key": "#, "the API key secret looks like JSON but does not parse"),
            (
                #"{"apikey": "x"}"#,
                #"the API key secret is a JSON object without "api_key", "api_keys" or "bedrock-access-gateway-apikey""#
            ),
            (
                "{}",
                #"the API key secret is a JSON object without "api_key", "api_keys" or "bedrock-access-gateway-apikey""#
            ),
            (
                #"{"api_keys": []}"#,
                #"the API key secret is a JSON object without "api_key", "api_keys" or "bedrock-access-gateway-apikey""#
            ),
            (
                #"{"api_key": ""}"#,
                #"the API key secret is a JSON object without "api_key", "api_keys" or "bedrock-access-gateway-apikey""#
            ),
            (#"{"api_keys": "k"}"#, #""api_keys" must be an array of strings or key objects"#),
            (#"{"api_keys": ["k", 1]}"#, #"api_keys[1] must be a string or an object with "key""#),
            (#"{"api_keys": [{"name": "x"}]}"#, "api_keys[0].key must be a non-empty string"),
            (#"{"api_keys": [{"key": " "}]}"#, "api_keys[0].key must be a non-empty string"),
            (#"{"api_keys": ["a", {"key": "k", "models": "m"}]}"#, "api_keys[1].models must be an array of model ids"),
            (#"{"api_keys": [{"key": "k", "models": [""]}]}"#, "api_keys[0].models must be an array of model ids"),
            (
                #"{"api_keys": [{"key": "k", "name": "two words"}]}"#,
                "api_keys[0].name must be a non-empty string without spaces"
            ),
            (
                #"{"api_keys": [{"key": "k", "model": ["m"]}]}"#,
                #"api_keys[0] has an unknown field "model" (allowed: key, name, models)"#
            ),
            (#"{"api_key": 5}"#, #""api_key" must be a string"#),
            (#"{"bedrock-access-gateway-apikey": null}"#, #""bedrock-access-gateway-apikey" must be a string"#),
        ])
    func refuses(secret: String, message: String) {
        #expect(APIKeySet.parseSecret(secret) == .failure(ConfigError(message)))
    }

    @Test func containsOnlyExactKeys() {
        let set = APIKeySet(keys: ["sk-abc123", "second"])
        #expect(set.contains("sk-abc123"))
        #expect(set.contains("second"))
        for near in ["sk-abc12", "sk-abc1234", "sk-abc123 ", " sk-abc123", "SK-ABC123", "", "s", "secondsk-abc123"] {
            #expect(!set.contains(near), "\(near) must not match")
        }
        #expect(!APIKeySet(keys: []).contains(""))
        #expect(!APIKeySet(keys: [""]).contains(""))
        #expect(APIKeySet(keys: [""]).isEmpty)
    }

    @Test func union() {
        let merged = APIKeySet(keys: ["a"]).union(APIKeySet(keys: ["b"]))
        #expect(merged.count == 2)
        #expect(merged.contains("a") && merged.contains("b"))
    }

    @Test func fingerprintIsShortHexAndNotTheKey() {
        let key = "deadbeef"
        let fingerprint = APIKeySet.fingerprint(key)
        #expect(fingerprint.count == 8)
        #expect(fingerprint.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(fingerprint != key)
        #expect(fingerprint == APIKeySet.fingerprint(key))
        #expect(fingerprint != APIKeySet.fingerprint("deadbeeg"))
        // SHA-256("abc") starts ba7816bf.
        #expect(APIKeySet.fingerprint("abc") == "ba7816bf")
        // A grant's fingerprint comes from the digest the match already computed: the same label.
        let keys = try? APIKeySet.parseSecret("abc").get()
        #expect(keys?.grant(for: "abc")?.fingerprint == "ba7816bf")
    }

    @Test func scopedKeyObjectsCarryNameAndModels() throws {
        let secret = #"""
            {"api_keys": ["sk-a", {"key": "sk-b", "name": "team-search", "models": ["bge-large", "llama-3-8b"]},
                          {"key": "sk-c", "name": "ops"}, {"key": "sk-d", "models": []}]}
            """#
        let set = try APIKeySet.parseSecret(secret).get()
        #expect(set.count == 4)
        let plain = try #require(set.grant(for: "sk-a"))
        #expect(plain.name == nil && plain.models == nil)
        #expect(plain.allows(model: "anything"))
        #expect(plain.label == "sha256:\(APIKeySet.fingerprint("sk-a"))")
        let scoped = try #require(set.grant(for: "sk-b"))
        #expect(scoped.label == "team-search")
        #expect(scoped.allows(model: "bge-large") && scoped.allows(model: "llama-3-8b"))
        #expect(!scoped.allows(model: "deepseek-r1"))
        let named = try #require(set.grant(for: "sk-c"))
        #expect(named.label == "ops" && named.allows(model: "x"))
        // An empty list is a key that reaches nothing: explicit, so not treated as "everything".
        let none = try #require(set.grant(for: "sk-d"))
        #expect(!none.allows(model: "bge-large"))
        #expect(set.grant(for: "sk-e") == nil)
    }
}
