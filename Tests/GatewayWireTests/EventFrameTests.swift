import Testing

@testable import GatewayWire

/// `ModelEvent.appendFrame` writes a token's frame header in one piece; it must write exactly the bytes
/// `Frame.append` writes around `encodeWire`, after whatever the buffer already holds.
@Suite struct EventFrameTests {
    static func generic(_ event: ModelEvent, stream: UInt32, after prefix: [UInt8]) -> [UInt8] {
        var out = prefix
        Frame.append(kind: .event, stream: stream, to: &out) { event.encodeWire(into: &$0) }
        return out
    }

    static func written(_ event: ModelEvent, stream: UInt32, after prefix: [UInt8]) -> [UInt8] {
        var out = prefix
        event.appendFrame(stream: stream, to: &out)
        return out
    }

    static let texts = [
        "", "a", "Hello", " world, eight+", "héllo 🚀 日本語", String(repeating: "x", count: 300),
        String(repeating: "é", count: 70_000),
    ]
    /// Past `UInt32` and below zero the choice is clamped, as `encodeWire` clamps it.
    static let choices = [0, 1, 7, 0x1_0000, Int(UInt32.max), Int(UInt32.max) + 5, -1]
    static let streams: [UInt32] = [0, 1, 0x0102_0304, .max]
    static let prefixes: [[UInt8]] = [[], [0xAB], Array(repeating: 0x55, count: 37)]

    @Test func tokensMatchTheGenericFrame() {
        for text in Self.texts {
            for choice in Self.choices {
                for event in [ModelEvent.content(choice: choice, text: text), .reasoning(choice: choice, text: text)] {
                    for stream in Self.streams {
                        for prefix in Self.prefixes {
                            #expect(
                                Self.written(event, stream: stream, after: prefix)
                                    == Self.generic(event, stream: stream, after: prefix),
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

    @Test func otherEventsTakeTheGenericPath() {
        let events: [ModelEvent] = [
            .finish(choice: 0, reason: "stop"), .usage(Usage(promptTokens: 3, completionTokens: 4)),
            .toolCall(choice: 2, ToolCallDelta(index: 1, id: "c1", name: "f", arguments: "{}")),
        ]
        for event in events {
            for stream in Self.streams {
                #expect(
                    Self.written(event, stream: stream, after: [9]) == Self.generic(event, stream: stream, after: [9]))
            }
        }
    }
}
