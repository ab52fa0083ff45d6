import ShimCore
import Testing

@Suite("ClientAPIKey")
struct ClientAPIKeyTests {
    @Test(
        arguments: [
            ("Bearer sk-abc", "sk-abc"), ("bearer sk-abc", "sk-abc"), ("BEARER sk-abc", "sk-abc"),
            ("  Bearer   sk-abc  ", "sk-abc"), ("Bearer\tsk-abc", nil), ("Bearer sk abc", "sk abc"),
            ("bEaReR sk-abc\t", "sk-abc"), ("Bearer sk-\u{e9}", "sk-\u{e9}"), ("Bearer \u{301}sk", nil),
            ("Bearer\u{0}sk-abc", nil), ("\u{e9}Bearer sk-abc", nil),
        ] as [(String, String?)])
    func bearerTokens(header: String, key: String?) {
        #expect(ClientAPIKey.bearer(header) == key)
    }

    @Test(arguments: [nil, "", "Bearer", "Bearer ", "Bearer    ", "Basic dXNlcjpwYXNz", "sk-abc", "Bearersk-abc"])
    func anythingElseIsNoKey(header: String?) {
        #expect(ClientAPIKey.bearer(header) == nil)
    }

    @Test func anthropicPrefersXAPIKeyThenBearer() {
        #expect(ClientAPIKey.anthropic(xAPIKey: " sk-x ", authorization: "Bearer sk-b") == "sk-x")
        #expect(ClientAPIKey.anthropic(xAPIKey: "  ", authorization: "Bearer sk-b") == "sk-b")
        #expect(ClientAPIKey.anthropic(xAPIKey: nil, authorization: "Bearer sk-b") == "sk-b")
        #expect(ClientAPIKey.anthropic(xAPIKey: nil, authorization: nil) == nil)
    }
}
