import TestSupport
import Testing

@testable import GatewayWire

/// The binary `event` payload: exact bytes per type, round trips, clamping, every rejection rule, and a seeded
/// fuzz loop (decode never traps; whatever decodes re-encodes to the same bytes).
@Suite struct EventWireTests {
    /// Hex with optional spaces between groups, so a vector can be written field by field.
    static func bytes(_ hex: String) -> [UInt8] {
        let digits = Array(hex.filter { $0 != " " })
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
    }

    static func encode(_ event: ModelEvent) -> [UInt8] {
        var out: [UInt8] = []
        event.encodeWire(into: &out)
        return out
    }

    /// Whether decoding fails the way a bad payload must: `invalidPayload`, not another error and not a trap.
    static func rejects(_ bytes: [UInt8]) -> Bool {
        do {
            _ = try ModelEvent(wire: bytes)
            return false
        } catch {
            if case .invalidPayload = error { return true }
            return false
        }
    }

    static let vectors: [(ModelEvent, String)] = [
        (.content(choice: 0, text: "Hello"), "01 00000000 00000005 48656c6c6f"),
        (.content(choice: 0x0102_0304, text: ""), "01 01020304 00000000"),
        (.content(choice: 1, text: "é🚀"), "01 00000001 00000006 c3a9 f09f9a80"),
        (.reasoning(choice: 2, text: "hm"), "02 00000002 00000002 686d"),
        (
            .toolCall(choice: 0, ToolCallDelta(index: 1, id: "c1", name: "f", arguments: "{}")),
            "03 00000000 00000001 03 00000002 6331 00000001 66 00000002 7b7d"
        ),
        (.toolCall(choice: 3, ToolCallDelta(index: 0, arguments: "1")), "03 00000003 00000000 00 00000001 31"),
        (
            .toolCall(choice: 0, ToolCallDelta(index: 0, id: "c", arguments: "")),
            "03 00000000 00000000 01 00000001 63 00000000"
        ),
        (
            .toolCall(choice: 0, ToolCallDelta(index: 0, name: "g", arguments: "")),
            "03 00000000 00000000 02 00000001 67 00000000"
        ),
        (.finish(choice: 0, reason: "stop"), "04 00000000 00000004 73746f70"),
        (.usage(Usage(promptTokens: 12, completionTokens: 9, totalTokens: 21)), "05 0000000c 00000009 00000015"),
        (
            .logprobs(choice: 1, .object([("tokens", .array([.string("a")])), ("x", .number("-0.5"))])),
            "06 00000001 00000019 7b22746f6b656e73223a5b2261225d2c2278223a2d302e357d"
        ),
        (.logprobs(choice: 0, .null), "06 00000000 00000004 6e756c6c"),
    ]

    @Test func exactBytesForEveryType() throws {
        for (event, hex) in Self.vectors {
            let expected = Self.bytes(hex)
            #expect(Self.encode(event) == expected, "\(event)")
            #expect(try ModelEvent(wire: expected) == event)
            #expect(TranslatorMessage.event(event).frame() == Frame(kind: .event, payload: expected))
            #expect(try TranslatorMessage(frame: Frame(kind: .event, payload: expected)) == .event(event))
        }
    }

    @Test func roundTrips() throws {
        let long = String(repeating: "token ", count: 50)
        let events: [ModelEvent] = [
            .content(choice: 0, text: "héllo 🚀 日本語"),
            .content(choice: 0, text: long + "é"),
            .content(choice: 0, text: "é" + long),
            .content(choice: 0, text: "\u{0}\n\"\\"),
            .reasoning(choice: 7, text: ""),
            .toolCall(choice: 1, ToolCallDelta(index: 4, id: "", name: "", arguments: "")),
            .toolCall(choice: 1, ToolCallDelta(index: 4, id: "идентификатор", name: "名前", arguments: "{\"a\":1}")),
            .toolCall(choice: 0, ToolCallDelta(index: 0)),
            .finish(choice: 2, reason: "length"),
            .finish(choice: 0, reason: ""),
            .usage(Usage(promptTokens: 0, completionTokens: 0, totalTokens: 0)),
            .usage(Usage(promptTokens: 1, completionTokens: 2, totalTokens: 99)),
            .logprobs(choice: 0, .array([.bool(true), .string("ü\n"), .object([]), .array([])])),
        ]
        for event in events {
            #expect(try ModelEvent(wire: Self.encode(event)) == event)
        }
    }

    /// A caller's buffer is appended to, never replaced, and a payload inside a larger buffer (at an odd offset,
    /// so every u32 read is unaligned) decodes on its own.
    @Test func appendsAndDecodesFromAnyOffset() throws {
        let event = ModelEvent.toolCall(choice: 5, ToolCallDelta(index: 6, id: "i", name: "n", arguments: "a"))
        var out: [UInt8] = [0xAA]
        event.encodeWire(into: &out)
        #expect(out.first == 0xAA)
        #expect(Array(out.dropFirst()) == Self.encode(event))
        out.append(0xBB)
        let decoded = try out.withUnsafeBytes { all in
            try ModelEvent(wire: UnsafeRawBufferPointer(rebasing: all[1..<(all.count - 1)]))
        }
        #expect(decoded == event)
    }

    @Test func integersAreClamped() throws {
        let clamped: [(ModelEvent, String, ModelEvent)] = [
            (
                .content(choice: -1, text: ""), "01 00000000 00000000",
                .content(choice: 0, text: "")
            ),
            (
                .finish(choice: Int.max, reason: ""), "04 ffffffff 00000000",
                .finish(choice: Int(UInt32.max), reason: "")
            ),
            (
                .toolCall(choice: Int.min, ToolCallDelta(index: 1 << 32)), "03 00000000 ffffffff 00 00000000",
                .toolCall(choice: 0, ToolCallDelta(index: Int(UInt32.max)))
            ),
            (
                .usage(Usage(promptTokens: -5, completionTokens: 1 << 40, totalTokens: Int(UInt32.max))),
                "05 00000000 ffffffff ffffffff",
                .usage(Usage(promptTokens: 0, completionTokens: Int(UInt32.max), totalTokens: Int(UInt32.max)))
            ),
        ]
        for (event, hex, decoded) in clamped {
            #expect(Self.encode(event) == Self.bytes(hex))
            #expect(try ModelEvent(wire: Self.bytes(hex)) == decoded)
        }
    }

    @Test func rejectsEveryMalformedPayload() {
        let invalid: [(String, String)] = [
            ("empty", ""),
            ("type 0", "00 00000000 00000000"),
            ("type 7", "07 00000000 00000000"),
            ("type ff", "ff"),
            ("choice cut short", "01 000000"),
            ("no text", "01 00000000"),
            ("length cut short", "01 00000000 0000"),
            ("text runs past the end", "01 00000000 00000005 48656c6c"),
            ("length near UInt32.max", "01 00000000 ffffffff 48"),
            ("trailing byte", "01 00000000 00000000 00"),
            ("usage trailing bytes", "05 00000000 00000000 00000000 0000"),
            ("usage without total", "05 00000000 00000000"),
            ("tool flag bit 2", "03 00000000 00000000 04 00000000"),
            ("tool flag bit 7", "03 00000000 00000000 80 00000000"),
            ("tool without flags", "03 00000000 00000000"),
            ("tool id flag, no id", "03 00000000 00000000 01"),
            ("tool name flag, no arguments", "03 00000000 00000000 02 00000001 6e"),
            ("tool without arguments", "03 00000000 00000000 00"),
            ("text invalid byte", "01 00000000 00000001 ff"),
            ("text lone continuation", "02 00000000 00000002 4180"),
            ("text cut multibyte", "01 00000000 00000002 e282"),
            ("text overlong", "01 00000000 00000002 c0af"),
            ("text surrogate", "01 00000000 00000003 eda080"),
            ("long text, invalid at the end", "01 00000000 00000011 41414141414141414141414141414141ff"),
            ("tool id not UTF-8", "03 00000000 00000000 01 00000001 ff 00000000"),
            ("tool name not UTF-8", "03 00000000 00000000 02 00000001 c3 00000000"),
            ("tool arguments not UTF-8", "03 00000000 00000000 00 00000001 fe"),
            ("finish reason not UTF-8", "04 00000000 00000001 80"),
            ("logprobs not JSON", "06 00000000 00000001 7b"),
            ("logprobs empty", "06 00000000 00000000"),
            ("logprobs NaN", "06 00000000 00000003 4e614e"),
            ("logprobs not UTF-8", "06 00000000 00000003 22ff22"),
            ("logprobs trailing byte", "06 00000000 00000004 6e756c6c 00"),
        ]
        for (name, hex) in invalid {
            #expect(Self.rejects(Self.bytes(hex)), "\(name)")
            #expect(throws: FrameError.self, "\(name)") {
                try TranslatorMessage(frame: Frame(kind: .event, payload: Self.bytes(hex)))
            }
        }
    }

    /// Every proper prefix of a valid payload is cut short somewhere, and every extra byte is trailing.
    @Test func rejectsEveryTruncationAndExtension() {
        for (_, hex) in Self.vectors {
            let bytes = Self.bytes(hex)
            for count in 0..<bytes.count {
                #expect(Self.rejects(Array(bytes[..<count])), "\(hex) cut to \(count)")
            }
            #expect(Self.rejects(bytes + [0]), "\(hex) with a byte more")
        }
    }

    /// Deterministic (TestSupport's SplitMix64), so a failure reproduces.
    struct Random {
        private var source: SplitMix
        init(state: UInt64) { source = SplitMix(seed: state) }
        mutating func next() -> UInt64 { source.next() }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func u32() -> Int { Int(truncatingIfNeeded: next() & 0xFFFF_FFFF) }

        mutating func string() -> String {
            let pieces = ["a", "token", " ", "é", "🚀", "日", "\u{0}", "\"", "\\", "\n", "\u{7F}", "Ω"]
            return (0..<below(12)).map { _ in pieces[below(pieces.count)] }.joined()
        }

        mutating func json(depth: Int = 0) -> JSONValue {
            switch below(depth > 2 ? 4 : 6) {
            case 0: return .null
            case 1: return .bool(below(2) == 0)
            case 2: return .number(["0", "-0.25", "5", "1e3", "-1.5E-7"][below(5)])
            case 3: return .string(string())
            case 4: return .array((0..<below(4)).map { _ in json(depth: depth + 1) })
            default: return .object((0..<below(4)).map { _ in (string(), json(depth: depth + 1)) })
            }
        }

        mutating func event() -> ModelEvent {
            switch below(6) {
            case 0: return .content(choice: u32(), text: string())
            case 1: return .reasoning(choice: u32(), text: string())
            case 2:
                let id = below(2) == 0 ? nil : string()
                let name = below(2) == 0 ? nil : string()
                return .toolCall(choice: u32(), ToolCallDelta(index: u32(), id: id, name: name, arguments: string()))
            case 3: return .finish(choice: u32(), reason: string())
            case 4: return .usage(Usage(promptTokens: u32(), completionTokens: u32(), totalTokens: u32()))
            default: return .logprobs(choice: u32(), json())
            }
        }
    }

    @Test func fuzzRoundTripsAndMutations() throws {
        var random = Random(state: 0x5EED_0001)
        for _ in 0..<4000 {
            let event = random.event()
            let encoded = Self.encode(event)
            #expect(try ModelEvent(wire: encoded) == event)

            var mutated = encoded
            switch random.below(5) {
            case 0: mutated.removeLast(1 + random.below(mutated.count))
            case 1: mutated[random.below(mutated.count)] = UInt8(truncatingIfNeeded: random.next())
            case 2: mutated[random.below(mutated.count)] ^= 1 << UInt8(random.below(8))
            case 3: mutated.insert(UInt8(truncatingIfNeeded: random.next()), at: random.below(mutated.count + 1))
            default: mutated = (0..<random.below(24)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            }
            // Decoding must not trap. Every field but the logprobs JSON (whose spacing and escapes are free) has
            // one encoding, so whatever else decodes must come from exactly these bytes.
            guard let decoded = try? ModelEvent(wire: mutated) else { continue }
            if case .logprobs = decoded {
                #expect(try ModelEvent(wire: Self.encode(decoded)) == decoded)
            } else {
                #expect(Self.encode(decoded) == mutated, "\(mutated)")
            }
        }
    }
}
