import Testing

@testable import GatewayWire

@Suite struct JSONParserTests {
    @Test(arguments: [
        ("null", JSONValue.null),
        ("true", .bool(true)),
        (" false ", .bool(false)),
        ("-0.5e+3", .number("-0.5e+3")),
        ("\"a\\u00e9\\ud83d\\ude80\\n\"", .string("aé🚀\n")),
        ("[1,[],{}]", .array([.number("1"), .array([]), .object([])])),
        ("{\"b\":1,\"a\":2}", .object([("b", .number("1")), ("a", .number("2"))])),
    ])
    func parsesValidDocuments(text: String, expected: JSONValue) throws {
        #expect(try JSONParser.parse(text) == expected)
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\":1,}", "01", "1.", "-", "tru", "\"\\x\"", "\"\u{01}\"", "NaN", "{1:2}", "[1] 2",
        "\"\\ud800\"", "\"\\udc00x\"", "{\"a\" 1}",
    ])
    func rejectsInvalidDocuments(text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22, 0xC3, 0x22]) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22, 0x5C, 0x6E, 0xFF, 0x22]) }
    }

    @Test func capsNesting() {
        let deep = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect((try? JSONParser.parse(fine)) != nil)
    }

    @Test func reportsTheOffsetOfTheProblem() {
        do {
            _ = try JSONParser.parse("{\"a\": tru}")
            Issue.record("parsed invalid JSON")
        } catch {
            #expect(error.offset == 6)
        }
    }

    @Test func writerRoundTripsAndEscapes() throws {
        let value = JSONValue.object([
            ("s", .string("quote\" back\\ nl\n tab\t ctl\u{01} é 🚀")), ("n", .number("1.50")),
            ("a", .array([.null, .bool(true)])),
        ])
        let text = JSONWriter.string(value)
        #expect(text == #"{"s":"quote\" back\\ nl\n tab\t ctl\u0001 é 🚀","n":1.50,"a":[null,true]}"#)
        #expect(try JSONParser.parse(text) == value)
    }

    /// Every ASCII byte in every position of a run: the escapes the writer copies around must land exactly.
    @Test func writerEscapesEveryASCIIByteWherever() throws {
        let named: [UInt8: String] = [
            0x22: #"\""#, 0x5C: #"\\"#, 0x0A: #"\n"#, 0x0D: #"\r"#, 0x09: #"\t"#, 0x08: #"\b"#, 0x0C: #"\f"#,
        ]
        for b in UInt8(0)..<0x80 {
            let escaped =
                named[b] ?? (b < 0x20 ? "\\u00" + String(b, radix: 16).leftPadded(to: 2) : String(UnicodeScalar(b)))
            for (prefix, suffix) in [("", ""), ("ab", ""), ("", "cd"), ("é", "🚀x")] {
                let s = prefix + String(UnicodeScalar(b)) + suffix + String(UnicodeScalar(b))
                #expect(JSONWriter.string(.string(s)) == "\"" + prefix + escaped + suffix + escaped + "\"", "\(b)")
                #expect(try JSONParser.parse(JSONWriter.string(.string(s))) == .string(s))
            }
        }
    }

    @Test func numbersKeepTheirText() throws {
        let big = "123456789012345678901234567890"
        #expect(JSONWriter.string(try JSONParser.parse(big)) == big)
        #expect(JSONValue.number("3.0").intValue == 3)
        #expect(JSONValue.number("3.5").intValue == nil)
        #expect(JSONValue.double(0.25) == .number("0.25"))
    }

    @Test func integersAreWrittenAsStringDoes() {
        let values = [0, 1, 9, 10, 99, 100, 1234567890, -1, -10, -9876543210, Int.max, Int.min, Int.max - 1]
        for value in values {
            var out: [UInt8] = [UInt8(ascii: "[")]
            JSONWriter.writeInt(value, into: &out)
            #expect(String(decoding: out, as: UTF8.self) == "[\(value)")
        }
    }

    @Test func settingReplacesInPlace() {
        let obj = JSONValue.object([("a", .int(1)), ("b", .int(2)), ("a", .int(3))])
        #expect(obj.setting("a", to: .int(9)) == .object([("a", .int(9)), ("b", .int(2))]))
        #expect(obj.setting("c", to: .null)["c"] == .null)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
