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

    /// From the header's bytes, the key is the one the String path finds, for every header above, for headers
    /// that are not valid UTF-8, and for none at all.
    @Test func bytesGiveTheKeyTheStringGives() {
        let headers = [
            "Bearer sk-abc", "bearer sk-abc", "  Bearer   sk-abc  ", "Bearer\tsk-abc", "Bearer sk abc",
            "bEaReR sk-abc\t", "Bearer sk-\u{e9}", "Bearer \u{301}sk", "\u{e9}Bearer sk-abc", "", "Bearer",
            "Bearer ", "Bearer    ", "Basic dXNlcjpwYXNz", "sk-abc", "Bearersk-abc",
            "Bearer " + String(repeating: "k", count: 60),
        ]
        for header in headers {
            let fromBytes = Array(header.utf8).withUnsafeBufferPointer { ClientAPIKey.bearer(utf8: $0) }
            #expect(fromBytes == ClientAPIKey.bearer(header), "\(header.debugDescription)")
        }
        for bytes: [UInt8] in [
            [0x42, 0x65, 0x61, 0x72, 0x65, 0x72, 0x20, 0xFF, 0x41], [0xC3], Array("Bearer x".utf8) + [0x80],
        ] {
            let fromBytes = bytes.withUnsafeBufferPointer { ClientAPIKey.bearer(utf8: $0) }
            #expect(fromBytes == ClientAPIKey.bearer(String(decoding: bytes, as: UTF8.self)), "\(bytes)")
        }
        #expect(ClientAPIKey.bearer(utf8: nil) == nil)
    }
}
