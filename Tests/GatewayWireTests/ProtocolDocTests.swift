import Foundation
import Testing

@testable import GatewayWire

/// docs/protocol.md must stay true: every example payload decodes as the frame kind it is labelled with and
/// encodes back to the same bytes, the hex frames decode whole, and every op, message and event type is shown.
@Suite struct ProtocolDocTests {
    static let document: String = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/protocol.md")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }()

    /// `(label, first line of the fenced block after it)` for each `<!-- label -->` comment.
    static func examples(_ prefix: String) -> [(String, String)] {
        let lines = document.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var out: [(String, String)] = []
        for (i, line) in lines.enumerated() where line.hasPrefix("<!-- \(prefix)") && i + 2 < lines.count {
            let label = line.dropFirst(5).dropLast(4).trimmingCharacters(in: .whitespaces)
            out.append((label, lines[i + 2]))
        }
        return out
    }

    /// The kinds with JSON payloads; `event` payloads are binary, shown as `event-hex` examples instead.
    static let kinds: [String: Frame.Kind] = [
        "request": .request, "accepted": .accepted, "error": .error, "models": .models, "health": .health,
        "embeddings": .embeddings, "metrics": .metrics,
    ]

    @Test func documentIsThere() {
        #expect(Self.document.contains("# The Unix-socket protocol"))
    }

    @Test func everyJSONExampleRoundTrips() throws {
        var ops: Set<String> = []
        var kinds: Set<String> = []
        for (label, payload) in Self.examples("frame ") {
            let name = String(label.dropFirst("frame ".count))
            let kind = try #require(Self.kinds[name], "unknown frame label \(label)")
            kinds.insert(name)
            let frame = Frame(kind: kind, payload: Array(payload.utf8))
            let encoded: Frame
            if kind == .request {
                let request = try GatewayRequest(frame: frame)
                encoded = request.frame()
                ops.insert(try JSONParser.parse(payload)["op"]?.stringValue ?? "")
            } else {
                encoded = try TranslatorMessage(frame: frame).frame()
            }
            #expect(String(decoding: encoded.payload, as: UTF8.self) == payload)
        }
        #expect(ops == ["chat", "completion", "embeddings", "models", "model", "health", "metrics"])
        #expect(kinds == Set(Self.kinds.keys))
    }

    @Test func everyEventExampleRoundTrips() throws {
        var types: Set<String> = []
        for (label, hex) in Self.examples("event-hex ") {
            let name = String(label.dropFirst("event-hex ".count))
            let bytes = hex.split(separator: " ").compactMap { UInt8($0, radix: 16) }
            #expect(bytes.count * 3 - 1 == hex.count, "\(label) is not space-separated hex bytes")
            let event = try ModelEvent(wire: bytes)
            #expect(Self.typeName(event) == name, "\(label) decodes as \(event)")
            types.insert(name)
            var encoded: [UInt8] = []
            event.encodeWire(into: &encoded)
            #expect(encoded == bytes)
            let message = try TranslatorMessage(frame: Frame(kind: .event, payload: bytes))
            #expect(message == .event(event))
            #expect(message.frame() == Frame(kind: .event, payload: bytes))
        }
        #expect(types == ["content", "reasoning", "tool", "finish", "usage", "logprobs"])
    }

    static func typeName(_ event: ModelEvent) -> String {
        switch event {
        case .content: "content"
        case .reasoning: "reasoning"
        case .toolCall: "tool"
        case .finish: "finish"
        case .usage: "usage"
        case .logprobs: "logprobs"
        }
    }

    @Test func hexFramesDecodeWhole() throws {
        let hexes = Self.examples("frame-hex")
        #expect(hexes.count == 4)
        for (_, hex) in hexes {
            let bytes = hex.split(separator: " ").compactMap { UInt8($0, radix: 16) }
            var decoder = FrameDecoder()
            decoder.append(bytes)
            let frame = try #require(try decoder.decode())
            #expect(decoder.bufferedByteCount == 0)
            #expect(frame.encoded() == bytes)
            if frame.kind == .request { #expect(try GatewayRequest(frame: frame).operation == .health) }
            if frame.kind == .credit { #expect(frame.creditBytes == 8192) }
        }
    }
}
