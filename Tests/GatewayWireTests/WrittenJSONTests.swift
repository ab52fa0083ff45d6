import Testing

@testable import GatewayWire

/// `WrittenJSON` must accept everything `JSONWriter` writes and nothing else: a chat's messages are forwarded as
/// the bytes the shim wrote only when writing what the parser reads from them would give those bytes back.
@Suite struct WrittenJSONTests {
    static func end(_ bytes: [UInt8], depth: Int = 0) -> Int? {
        bytes.withUnsafeBufferPointer { WrittenJSON.valueEnd(in: $0, from: 0, depth: depth) }
    }

    static func end(_ text: String) -> Int? { end(Array(text.utf8)) }

    @Test func acceptsWhatTheWriterWrites() throws {
        var random = EventWireTests.Random(state: 7)
        for _ in 0..<2000 {
            let value = random.json()
            let bytes = JSONWriter.bytes(value)
            #expect(Self.end(bytes) == bytes.count, "\(String(decoding: bytes, as: UTF8.self))")
        }
        // Every character the writer escapes, and the ones around them it does not.
        let every = String(decoding: (0...0x7F).map { UInt8($0) }, as: UTF8.self) + "é🚀\u{FFFF}\u{10FFFF}"
        let bytes = JSONWriter.bytes(.array([.string(every), .object([(every, .number("-1.0e+10"))])]))
        #expect(Self.end(bytes) == bytes.count)
    }

    @Test(arguments: [
        " 1", "[1, 2]", "[1 ]", "{\"a\": 1}", "{\"a\" :1}", "\"\\/\"", "\"\\u0041\"", "\"\\u000a\"", "\"\\u0008\"",
        "\"\\u001F\"", "\"\\u00e9\"", "\"\\ud83d\\ude80\"", "\"\u{01}\"", "\"\\x\"", "[1,]", "{\"a\":1,}", "[", "tru",
        "nul", "-", "1.", "1e", "\"abc", "{1:2}", "NaN", "",
    ])
    func refusesOtherSpellingsAndNonJSON(text: String) {
        #expect(Self.end(text) == nil)
    }

    @Test func refusesInvalidUTF8() {
        for bytes: [UInt8] in [[0x22, 0xC3, 0x22], [0x22, 0xC3, 0x5C, 0x6E, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22]] {
            #expect(Self.end(bytes) == nil)
        }
    }

    @Test func capsNestingAsTheParserDoes() {
        let limit = JSONParser.defaultMaxDepth
        let fits = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        let deeper = "[" + fits + "]"
        #expect(Self.end(fits) == fits.utf8.count)
        #expect(Self.end(deeper) == nil)
        #expect(Self.end(Array(fits.utf8), depth: 1) == nil)
    }
}
