import Testing

@testable import GatewayWire

@Suite struct FrameTests {
    static let messages: [TranslatorMessage] = [
        .accepted(),
        .accepted(ResponseShape(reasoningField: .reasoning)),
        .event(.content(choice: 0, text: "héllo 🚀")),
        .event(.reasoning(choice: 1, text: "hmm")),
        .event(.toolCall(choice: 0, ToolCallDelta(index: 2, id: "call_1", name: "f", arguments: "{\"x\":"))),
        .event(.finish(choice: 0, reason: "stop")),
        .event(.usage(Usage(promptTokens: 3, completionTokens: 4))),
        .error(GatewayError(.throttled, "slow down", param: "model", retryAfterSeconds: 2)),
        .models([ModelInfo(id: "m", created: 1, ownedBy: "sagemaker")]),
        .health(HealthStatus(ready: true, detail: "ok")),
        .end,
    ]

    static let request = GatewayRequest(
        requestId: "req-1", apiKey: "sk-test",
        operation: .chatCompletion(
            ChatRequest(
                model: "m", messages: [.object([("role", .string("user")), ("content", .string("hi"))])], stream: true,
                includeUsage: true, parameters: [("temperature", .number("0.5")), ("top_k", .int(5))])))

    var allBytes: [UInt8] {
        [Self.request.frame().encoded()].flatMap { $0 } + Self.messages.flatMap { $0.frame().encoded() }
    }

    private func decodeAll(_ chunks: [[UInt8]]) throws -> [Frame] {
        var decoder = FrameDecoder()
        var frames: [Frame] = []
        for chunk in chunks {
            decoder.append(chunk)
            while let frame = try decoder.decode() { frames.append(frame) }
        }
        #expect(decoder.bufferedByteCount == 0)
        return frames
    }

    private func check(_ frames: [Frame]) throws {
        #expect(frames.count == Self.messages.count + 1)
        #expect(try GatewayRequest(frame: frames[0]) == Self.request)
        for (frame, message) in zip(frames.dropFirst(), Self.messages) {
            #expect(try TranslatorMessage(frame: frame) == message)
        }
    }

    @Test func roundTripsWhole() throws { try check(try decodeAll([allBytes])) }

    @Test func roundTripsOneByteAtATime() throws { try check(try decodeAll(allBytes.map { [$0] })) }

    @Test func roundTripsSplitAtEveryOffset() throws {
        let bytes = allBytes
        for cut in 0...bytes.count {
            try check(try decodeAll([Array(bytes[..<cut]), Array(bytes[cut...])]))
        }
    }

    @Test func otherOperationsRoundTrip() throws {
        for op in [GatewayRequest.Operation.listModels, .retrieveModel(id: "x"), .health] {
            let r = GatewayRequest(requestId: "r", apiKey: nil, operation: op)
            #expect(try GatewayRequest(frame: r.frame()) == r)
        }
    }

    @Test func rejectsBadHeaders() {
        var d = FrameDecoder()
        d.append([0, 0, 0, 2, 9, 1])
        #expect(throws: FrameError.unsupportedVersion(9)) { try d.decode() }
        var k = FrameDecoder()
        k.append([0, 0, 0, 2, 1, 99])
        #expect(throws: FrameError.unknownKind(99)) { try k.decode() }
        var l = FrameDecoder(maxLength: 100)
        l.append([0, 0, 1, 0])
        #expect(throws: FrameError.invalidLength(256)) { try l.decode() }
    }

    @Test func unknownErrorKindStaysAnError() throws {
        let frame = Frame(kind: .error, payload: Array(#"{"kind":"from_the_future","message":"m"}"#.utf8))
        #expect(try TranslatorMessage(frame: frame) == .error(GatewayError(.internalError, "m")))
    }

    @Test func fuzzedInputNeverCrashes() {
        var rng = SplitMix(seed: 42)
        for _ in 0..<2000 {
            var decoder = FrameDecoder(maxLength: 1 << 16)
            let count = Int(rng.next() % 64)
            decoder.append((0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
            while let frame = try? decoder.decode() {
                _ = try? TranslatorMessage(frame: frame)
                _ = try? GatewayRequest(frame: frame)
            }
        }
    }
}

struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
