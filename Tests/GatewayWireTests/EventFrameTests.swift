import Testing

@testable import GatewayWire

/// A token's frame (`Frame.append` writes the header in one piece, `encodeWire` the token's fields in another) must
/// be exactly the bytes docs/protocol.md lays out, written here field by field, after whatever the buffer holds.
@Suite struct EventFrameTests {
    static func written(_ event: ModelEvent, stream: UInt32, after prefix: [UInt8]) -> [UInt8] {
        var out = prefix
        TranslatorMessage.event(event).append(stream: stream, to: &out)
        return out
    }

    static func u32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    /// The layout spelled out: length, version, kind, stream; then type, choice (clamped to u32), text length, text.
    static func expected(type: UInt8, choice: Int, text: String, stream: UInt32, after prefix: [UInt8]) -> [UInt8] {
        let utf8 = Array(text.utf8)
        let payload = [type] + u32(UInt32(clamping: choice)) + u32(UInt32(utf8.count)) + utf8
        return prefix + u32(UInt32(6 + payload.count)) + [Frame.version, Frame.Kind.event.rawValue] + u32(stream)
            + payload
    }

    static let texts = [
        "", "a", "Hello", " world, eight+", "héllo 🚀 日本語", String(repeating: "x", count: 300),
        String(repeating: "é", count: 70_000),
    ]
    /// Past `UInt32` and below zero the choice is clamped.
    static let choices = [0, 1, 7, 0x1_0000, Int(UInt32.max), Int(UInt32.max) + 5, -1]
    static let streams: [UInt32] = [0, 1, 0x0102_0304, .max]
    static let prefixes: [[UInt8]] = [[], [0xAB], Array(repeating: 0x55, count: 37)]

    @Test func tokensMatchTheLayout() {
        for text in Self.texts {
            for choice in Self.choices {
                for (event, type) in [
                    (ModelEvent.content(choice: choice, text: text), 1), (.reasoning(choice: choice, text: text), 2),
                ] {
                    for stream in Self.streams {
                        for prefix in Self.prefixes {
                            #expect(
                                Self.written(event, stream: stream, after: prefix)
                                    == Self.expected(
                                        type: UInt8(type), choice: choice, text: text, stream: stream, after: prefix),
                                "\(event) stream \(stream) after \(prefix.count) bytes")
                        }
                    }
                }
            }
        }
    }

    /// The one vector written out: length 15 + 2, version 2, kind event, stream 5, content, choice 1, "hi".
    @Test func contentFrameBytes() {
        #expect(
            Self.written(.content(choice: 1, text: "hi"), stream: 5, after: [])
                == [0, 0, 0, 17, 2, 3, 0, 0, 0, 5, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0x68, 0x69])
    }

    /// Every other event reads back as itself from the frame written after other bytes.
    @Test func otherEventsRoundTrip() throws {
        let events: [ModelEvent] = [
            .finish(choice: 0, reason: "stop"), .usage(Usage(promptTokens: 3, completionTokens: 4)),
            .toolCall(choice: 2, ToolCallDelta(index: 1, id: "c1", name: "f", arguments: "{}")),
        ]
        for event in events {
            for stream in Self.streams {
                let bytes = Self.written(event, stream: stream, after: [9])
                var decoder = FrameDecoder()
                decoder.append(bytes[1...])
                let frame = try #require(try decoder.decode())
                #expect(frame.stream == stream && frame.kind == .event)
                #expect(frame.payload == event.wireBytes())
            }
        }
    }
}
