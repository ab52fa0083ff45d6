import Testing

@testable import GatewayWire

/// `JSONWriter` rules out eight bytes at a time before escaping; it must write exactly what escaping byte by
/// byte writes, wherever in a word the byte to escape falls.
@Suite struct JSONWriterTests {
    /// The plain byte-by-byte escape the writer's word-at-a-time scan must agree with.
    static func reference(_ text: String) -> [UInt8] {
        var out: [UInt8] = [0x22]
        for byte in text.utf8 {
            switch byte {
            case 0x22: out += Array(#"\""#.utf8)
            case 0x5C: out += Array(#"\\"#.utf8)
            case 0x0A: out += Array(#"\n"#.utf8)
            case 0x0D: out += Array(#"\r"#.utf8)
            case 0x09: out += Array(#"\t"#.utf8)
            case 0x08: out += Array(#"\b"#.utf8)
            case 0x0C: out += Array(#"\f"#.utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += Array(#"\u00"#.utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        out.append(0x22)
        return out
    }

    static func written(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        JSONWriter.writeString(text, into: &out)
        return out
    }

    /// Characters around each boundary the word test draws: controls, the two escaped printables, their
    /// neighbours, DEL, and multi-byte UTF-8 (bytes with the high bit set).
    static let pieces: [String] = [
        "a", "Z", " ", "!", "#", "[", "]", "\"", "\\", "\u{0}", "\u{1}", "\u{1F}", "\n", "\r", "\t", "\u{8}",
        "\u{C}", "\u{7F}", "é", "日", "😀", "\u{80}", "\u{A2}",
    ]

    @Test func oneEscapeAtEveryOffset() {
        for length in 1...24 {
            for offset in 0..<length {
                for special in ["\"", "\\", "\n", "\u{0}", "\u{1F}"] {
                    let text =
                        String(repeating: "x", count: offset) + special
                        + String(repeating: "y", count: length - offset - 1)
                    #expect(Self.written(text) == Self.reference(text), "\(text.debugDescription)")
                }
            }
        }
    }

    @Test func randomTextMatchesByteByByte() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<3000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let length = Int(state >> 59) + Int((state >> 40) & 0x7)
            var text = ""
            for _ in 0..<length {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                // Mostly plain letters, as model text is, so clean words and escapes both occur.
                let pick = Int(state >> 33) % (Self.pieces.count * 3)
                text += pick < Self.pieces.count ? Self.pieces[pick] : "q"
            }
            #expect(Self.written(text) == Self.reference(text), "\(text.debugDescription)")
        }
    }

    @Test func plainAndEmptyText() {
        for text in ["", "a", "abcdefgh", "abcdefghi", String(repeating: "long text ", count: 50), "日本語のテキスト"] {
            #expect(Self.written(text) == Self.reference(text))
        }
    }

    @Test func writtenStringsParseBack() throws {
        for text in Self.pieces + [Self.pieces.joined(), String(repeating: "\u{1}\"x\\", count: 9)] {
            let bytes = JSONWriter.bytes(.string(text))
            #expect(try JSONParser.parse(bytes) == .string(text))
        }
    }

    /// The one-digit shortcut and the stack path agree with `String(_:)` across digit counts and signs.
    @Test func integersMatchStringAcrossDigitCounts() {
        var values = Array(-1100...1100) + [Int.max, Int.min, Int.max - 1, Int.min + 1]
        var power = 1
        while power <= Int.max / 10 {
            power *= 10
            values += [power - 1, power, power + 1, -power + 1, -power, -power - 1]
        }
        for value in values {
            var out: [UInt8] = [UInt8(ascii: "x")]
            JSONWriter.writeInt(value, into: &out)
            #expect(out == Array("x\(value)".utf8), "\(value)")
        }
    }
}
