import TestSupport
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

    /// Arrays take their own `append`; any other collection the generic one, with the same result.
    @Test func genericAppendMatchesArrayAppend() throws {
        let bytes = allBytes
        for cut in stride(from: 0, through: bytes.count, by: 7) {
            var decoder = FrameDecoder()
            var frames: [Frame] = []
            for part in [bytes[..<cut], bytes[cut...]] {
                decoder.append(part)
                while let frame = try decoder.decode() { frames.append(frame) }
            }
            #expect(decoder.bufferedByteCount == 0)
            try check(frames)
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
        d.append([0, 0, 0, 6, 1, 1, 0, 0, 0, 1])
        #expect(throws: FrameError.unsupportedVersion(1)) { try d.decode() }
        var k = FrameDecoder()
        k.append([0, 0, 0, 6, 2, 99, 0, 0, 0, 1])
        #expect(throws: FrameError.unknownKind(99)) { try k.decode() }
        var short = FrameDecoder()
        short.append([0, 0, 0, 5])
        #expect(throws: FrameError.invalidLength(5)) { try short.decode() }
        var huge = FrameDecoder()
        huge.append([4, 0, 0, 1])
        #expect(throws: FrameError.invalidLength((64 << 20) + 1)) { try huge.decode() }
    }

    @Test func headerBytesCarryTheStream() throws {
        let frame = Frame(kind: .cancel, stream: 0x0102_0304, payload: [])
        #expect(frame.encoded() == [0, 0, 0, 6, 2, 11, 1, 2, 3, 4])
        let event = Frame(kind: .end, stream: 7, payload: [0xAA])
        #expect(event.encoded() == [0, 0, 0, 7, 2, 5, 0, 0, 0, 7, 0xAA])
        var d = FrameDecoder()
        d.append(frame.encoded() + event.encoded())
        #expect(try d.decode() == frame)
        #expect(try d.decode() == event)
        #expect(try d.decode() == nil)
        #expect(!d.isMidFrame)
    }

    @Test func appendWritesTheSameBytesAsEncoded() {
        var out: [UInt8] = [9, 9]
        TranslatorMessage.end.append(stream: 3, to: &out)
        Frame.append(kind: .heartbeat, stream: 0, to: &out) { _ in }
        #expect(out == [9, 9] + Frame(kind: .end, stream: 3, payload: []).encoded() + [0, 0, 0, 6, 2, 9, 0, 0, 0, 0])
    }

    /// A frame longer than the reader takes is refused on its stream, its bytes skipped as they arrive
    /// (never buffered), and the frames after it decode as usual.
    @Test func anOversizedFrameIsSkippedAndTheNextOneDecodes() throws {
        let big = Frame(kind: .request, stream: 5, payload: [UInt8](repeating: 7, count: 300)).encoded()
        let next = Frame(kind: .cancel, stream: 6, payload: []).encoded()
        for cut in [10, 11, 200, big.count, big.count + 3] {
            var d = FrameDecoder(maxLength: 100)
            let bytes = big + next
            d.append(bytes[..<cut])
            #expect(throws: FrameError.tooLarge(stream: 5, kind: .request, length: 306)) { try d.decode() }
            #expect(d.isMidFrame == (cut != big.count))
            d.append(bytes[cut...])
            #expect(try d.decode() == Frame(kind: .cancel, stream: 6, payload: []))
            #expect(!d.isMidFrame)
        }
    }

    /// `decodeHeader` + `withPayload` over raw-pointer appends, cut at every byte, read what `decode` reads;
    /// the payload stays readable until the next append, and a refused frame is skipped there too.
    @Test func inPlaceDecodingMatchesDecode() throws {
        let frames = [
            Frame(kind: .event, stream: 3, payload: [1, 2, 3]), Frame(kind: .heartbeat, stream: 0, payload: []),
            Frame(kind: .end, stream: 0x0102_0304, payload: [0xAA]),
        ]
        let bytes = frames.flatMap { $0.encoded() }
        #expect(bytes.prefix(13) == [0, 0, 0, 9, 2, 3, 0, 0, 0, 3, 1, 2, 3])
        for cut in 0...bytes.count {
            var d = FrameDecoder()
            var seen: [Frame] = []
            for part in [bytes[..<cut], bytes[cut...]] {
                part.withUnsafeBytes { d.append($0) }
                while let header = try d.decodeHeader() {
                    seen.append(
                        Frame(
                            kind: header.kind, stream: header.stream,
                            payload: d.withPayload(header.payload) { Array($0) }))
                }
            }
            #expect(seen == frames)
            #expect(!d.isMidFrame && d.bufferedByteCount == 0)
        }
        let big = Frame(kind: .request, stream: 5, payload: [UInt8](repeating: 7, count: 300)).encoded()
        var d = FrameDecoder(maxLength: 100)
        (big[..<50] + []).withUnsafeBytes { d.append($0) }
        #expect(throws: FrameError.tooLarge(stream: 5, kind: .request, length: 306)) { try d.decodeHeader() }
        (big[50...] + frames[2].encoded()).withUnsafeBytes { d.append($0) }
        let header = try #require(try d.decodeHeader())
        #expect(
            header.kind == .end && header.stream == 0x0102_0304 && d.withPayload(header.payload) { Array($0) } == [0xAA]
        )
    }

    /// `message(_:)` reads what `TranslatorMessage(frame:)` reads, events in place and every other kind,
    /// and refuses a malformed event payload the same way.
    @Test func messagesDecodeInPlaceAsFromFrames() throws {
        var bytes: [UInt8] = []
        for (i, message) in Self.messages.enumerated() { message.append(stream: UInt32(i + 1), to: &bytes) }
        var d = FrameDecoder()
        bytes.withUnsafeBytes { d.append($0) }
        for message in Self.messages {
            let header = try #require(try d.decodeHeader())
            #expect(try d.message(header) == message)
        }
        var bad = FrameDecoder()
        ([0, 0, 0, 8, 2, 3, 0, 0, 0, 1, 1, 0] as [UInt8]).withUnsafeBytes { bad.append($0) }
        let header = try #require(try bad.decodeHeader())
        #expect(throws: FrameError.self) { try bad.message(header) }
        #expect(throws: FrameError.self) { try TranslatorMessage(frame: Frame(kind: .event, payload: [1, 0])) }
    }

    @Test func aFrameBegunIsMidFrame() throws {
        var d = FrameDecoder()
        let bytes = Frame(kind: .end, stream: 1, payload: []).encoded()
        d.append(bytes[..<3])
        #expect(try d.decode() == nil)
        #expect(d.isMidFrame)
        d.append(bytes[3...])
        #expect(try d.decode() != nil)
        #expect(!d.isMidFrame)
    }

    @Test func endsExchangeOnlyForTheLastMessage() {
        #expect(!TranslatorMessage.accepted().endsExchange)
        #expect(!TranslatorMessage.event(.content(choice: 0, text: "x")).endsExchange)
        for last in Self.messages.filter({
            if case .event = $0 { false } else if case .accepted = $0 { false } else { true }
        }) {
            #expect(last.endsExchange, "\(last)")
        }
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

@Suite struct UsageOverflowTests {
    /// A container's counts are external input: a total that overflows saturates instead of trapping.
    @Test func aTotalPastIntMaxSaturates() {
        #expect(Usage(promptTokens: Int.max, completionTokens: 1).totalTokens == Int.max)
        #expect(Usage(promptTokens: Int.min, completionTokens: -1).totalTokens == Int.min)
        #expect(Usage(promptTokens: 3, completionTokens: 4).totalTokens == 7)
    }
}

@Suite struct CreditFrameTests {
    @Test func creditBytesRoundTrip() throws {
        let frame = Frame.credit(0x0001_0203, stream: 9)
        #expect(frame.encoded() == [0, 0, 0, 10, 2, 12, 0, 0, 0, 9, 0, 1, 2, 3])
        var decoder = FrameDecoder()
        decoder.append(frame.encoded())
        #expect(try decoder.decode()?.creditBytes == 0x0001_0203)
        #expect(Frame.credit(Int.max, stream: 1).creditBytes == Int(UInt32.max))
        #expect(Frame(kind: .credit, stream: 1, payload: [1, 2, 3]).creditBytes == nil)
        #expect(Frame(kind: .cancel, stream: 1, payload: [0, 0, 0, 1]).creditBytes == nil)
    }
}
