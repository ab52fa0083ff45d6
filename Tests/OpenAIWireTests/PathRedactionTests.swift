import Testing

@testable import OpenAIWire

@Suite("PathRedaction")
struct PathRedactionTests {
    @Test(
        arguments: [
            ("/v1/chat/completions", "/v1/chat/completions"),
            ("/v1/sk-abc/chat/completions", "/v1/<redacted>/chat/completions"),
            ("/v1/models/SK_live_x", "/v1/models/<redacted>"),
            ("/v1/models/meta-llama/Meta-Llama-3-8B-Instruct", "/v1/models/meta-llama/Meta-Llama-3-8B-Instruct"),
            ("/v1/" + String(repeating: "a1B2", count: 10), "/v1/<redacted>"),
            ("/v1/" + String(repeating: "a.", count: 30), "/v1/" + String(repeating: "a.", count: 30)),
            ("/", "/"),
            ("", ""),
        ])
    func redacts(path: String, expected: String) {
        #expect(PathRedaction.redacted(path) == expected)
    }

    @Test func theUnknownRouteMessageNeverCarriesTheKey() {
        let response = OpenAIErrorMapper.unknownRoute(method: "POST", path: "/v1/sk-secret-123/chat/completions")
        let text = String(decoding: response.body, as: UTF8.self)
        #expect(!text.contains("sk-secret-123"))
        #expect(text.contains("Invalid URL (POST /v1/<redacted>/chat/completions)"))
    }
}
