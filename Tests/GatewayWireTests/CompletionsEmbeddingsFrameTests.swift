import Testing

@testable import GatewayWire

/// The frames added for `/v1/completions` and `/v1/embeddings`: round trips, split anywhere, and the exact
/// payload bytes docs/protocol.md shows.
@Suite struct CompletionsEmbeddingsFrameTests {
    static let completion = GatewayRequest(
        requestId: "req-2", apiKey: "sk-test",
        operation: .completion(
            CompletionRequest(
                model: "m", prompt: .array([.string("a"), .string("é🚀")]), stream: true, includeUsage: true,
                parameters: [("logprobs", .int(2)), ("stop", .array([.string("\n")]))])))

    static let embeddingsTexts = GatewayRequest(
        requestId: "req-3", apiKey: nil,
        operation: .embeddings(
            EmbeddingsRequest(
                model: "bge", input: .texts(["hello", "wörld"]), encodingFormat: .base64, dimensions: 4,
                parameters: [("user", .string("u1"))])))

    static let embeddingsTokens = GatewayRequest(
        requestId: "req-4", apiKey: "k",
        operation: .embeddings(EmbeddingsRequest(model: "bge", input: .tokenIds([[1, 2, 3], [4]]))))

    static let messages: [TranslatorMessage] = [
        .event(
            .logprobs(
                choice: 1,
                .object([
                    ("tokens", .array([.string(" a")])), ("token_logprobs", .array([.number("-0.5")])),
                    ("top_logprobs", .array([.object([(" a", .number("-0.5"))])])), ("text_offset", .array([.int(3)])),
                ]))),
        .embeddings(
            EmbeddingsResult(
                vectors: [[0.1, -2.5e-05, 1, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude], []],
                promptTokens: 7)),
        .embeddings(EmbeddingsResult(vectors: [[0.5]], promptTokens: nil)),
    ]

    private var allBytes: [UInt8] {
        [Self.completion, Self.embeddingsTexts, Self.embeddingsTokens].flatMap { $0.frame().encoded() }
            + Self.messages.flatMap { $0.frame().encoded() }
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
        #expect(frames.count == 3 + Self.messages.count)
        #expect(try GatewayRequest(frame: frames[0]) == Self.completion)
        #expect(try GatewayRequest(frame: frames[1]) == Self.embeddingsTexts)
        #expect(try GatewayRequest(frame: frames[2]) == Self.embeddingsTokens)
        for (frame, message) in zip(frames.dropFirst(3), Self.messages) {
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

    @Test func embeddingsFrameBytes() {
        let frame = TranslatorMessage.embeddings(EmbeddingsResult(vectors: [[1, -2], [0.1]], promptTokens: 3))
            .frame().encoded()
        let payload = #"{"vectors":["AACAPwAAAMA=","zczMPQ=="],"prompt_tokens":3}"#
        #expect(frame == [0, 0, 0, UInt8(payload.utf8.count + 6), 2, 8, 0, 0, 0, 0] + Array(payload.utf8))
    }

    @Test func base64RoundTripsAndIsStrict() {
        for length in 0..<10 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 97 &+ 251) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
        #expect(Base64.decode("Zm9vYmE=") == Array("fooba".utf8))
        for bad in ["Zm9", "Zm9v YQ==", "Z===", "=Zm9", "Zm=v", "Zm9v\n"] {
            #expect(Base64.decode(bad) == nil, "\(bad)")
        }
        #expect(Base64.decodeFloat32LittleEndian("AACAPwAAAMA=") == [1, -2])
        #expect(Base64.decodeFloat32LittleEndian("Zm9vYmE=") == nil)
    }

    @Test func completionRequestPayload() {
        let payload = String(decoding: Self.completion.frame().payload, as: UTF8.self)
        #expect(
            payload
                == #"{"id":"req-2","key":"sk-test","op":"completion","model":"m","prompt":["a","é🚀"],"stream":true,"include_usage":true,"parameters":{"logprobs":2,"stop":["\n"]}}"#
        )
    }

    @Test func embeddingsRequestPayload() {
        let payload = String(decoding: Self.embeddingsTexts.frame().payload, as: UTF8.self)
        #expect(
            payload
                == #"{"id":"req-3","op":"embeddings","model":"bge","input":["hello","wörld"],"encoding_format":"base64","dimensions":4,"parameters":{"user":"u1"}}"#
        )
    }

    @Test func float32TextIsShortestAndExact() {
        #expect(Float32Text.json(0.1) == .number("0.1"))
        #expect(Float32Text.json(Float(1) / 3) == .number("0.33333334"))
        #expect(Float32Text.json(.nan) == nil)
        #expect(Float32Text.json(-.infinity) == nil)
        // About a thousand float32 bit patterns spread over all exponents and both signs read back exactly.
        for bits in stride(from: UInt64(0), to: 1 << 32, by: 4_185_079) {
            let value = Float(bitPattern: UInt32(bits))
            if value.isFinite, case .number(let text)? = Float32Text.json(value) {
                #expect(Float(text)?.bitPattern == UInt32(bits), "\(text)")
            }
        }
        #expect(Float32Text.float(.number("0.012345678918063641")) == Float(0.012345678918063641))
        #expect(Float32Text.float(.number("1e400")) == nil)
        #expect(Float32Text.float(.string("1")) == nil)
    }

    @Test func refusesMalformedEmbeddings() {
        let bad = [#"{"vectors":[[1]]}"#, #"{"vectors":["AAAA!A=="]}"#, #"{}"#, #"{"vectors":["AAA="]}"#]
        for text in bad {
            #expect(throws: FrameError.self) {
                try TranslatorMessage(frame: Frame(kind: .embeddings, payload: Array(text.utf8)))
            }
        }
        let mixed =
            #"{"id":"r","op":"embeddings","model":"m","input":["a",[1]],"encoding_format":"float","parameters":{}}"#
        #expect(throws: FrameError.self) {
            try GatewayRequest(frame: Frame(kind: .request, payload: Array(mixed.utf8)))
        }
    }

    @Test func unknownEventKindStillRefused() {
        // Type 7 follows logprobs (6), the last type there is.
        #expect(throws: FrameError.self) {
            try TranslatorMessage(frame: Frame(kind: .event, payload: [7, 0, 0, 0, 0]))
        }
    }
}
