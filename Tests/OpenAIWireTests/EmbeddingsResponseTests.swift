import GatewayWire
import Testing

@testable import OpenAIWire

@Test func base64MatchesRFC4648Vectors() {
    // https://www.rfc-editor.org/rfc/rfc4648#section-10
    let vectors = [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ]
    for (plain, encoded) in vectors { #expect(Base64.encode(Array(plain.utf8)) == encoded) }
    #expect(Base64.encode([0xFB, 0xFF, 0xBF]) == "+/+/")
}

@Test func base64VectorIsLittleEndianFloat32() {
    // 1.0 = 0x3F800000 → 00 00 80 3F; -2.0 = 0xC0000000 → 00 00 00 C0; what numpy.frombuffer reads back.
    #expect(Base64.encode(float32LittleEndian: [1.0, -2.0]) == "AACAPwAAAMA=")
    #expect(Base64.encode(float32LittleEndian: [0.1]) == "zczMPQ==")
}

@Test func floatResponseShape() {
    let result = EmbeddingsResult(vectors: [[0.1, -2.5e-05], [1, 0.33333334]], promptTokens: nil)
    let text = String(
        decoding: EmbeddingsResponse.bytes(result, format: .float, model: "alias", promptTokenEstimate: 5),
        as: UTF8.self)
    #expect(
        text
            == #"{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.1,-2.5e-05]},{"object":"embedding","index":1,"embedding":[1.0,0.33333334]}],"model":"alias","usage":{"prompt_tokens":5,"total_tokens":5}}"#
    )
}

@Test func base64ResponseUsesTheContainersCount() {
    let result = EmbeddingsResult(vectors: [[1.0, -2.0]], promptTokens: 11)
    let text = String(
        decoding: EmbeddingsResponse.bytes(result, format: .base64, model: "m", promptTokenEstimate: 5), as: UTF8.self)
    #expect(
        text
            == #"{"object":"list","data":[{"object":"embedding","index":0,"embedding":"AACAPwAAAMA="}],"model":"m","usage":{"prompt_tokens":11,"total_tokens":11}}"#
    )
}
