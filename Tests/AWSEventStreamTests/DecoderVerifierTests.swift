import AWSEventStream
import Testing

@Suite struct DecoderVerifierTests {
    @Test func fixedVectorsSurviveEveryWayOfCuttingTheStream() {
        DecoderVerifier.verify(FixedVectors.all.map { ($0.frame, $0.message) })
    }

    @Test func encoderReproducesTheReferenceFrames() {
        for vector in FixedVectors.all {
            #expect(EventStreamEncoder.encode(vector.message) == vector.frame, "\(vector.name)")
        }
    }

    @Test func encodeIntoAppendsAfterExistingBytes() {
        var out: [UInt8] = [0xAA]
        for vector in FixedVectors.all {
            EventStreamEncoder.encode(vector.message, into: &out)
        }
        #expect(out == [0xAA] + FixedVectors.all.flatMap(\.frame))
    }

    @Test func randomMessagesRoundTrip() {
        var generator = SeededGenerator(seed: 2024)
        for round in 0..<20 {
            let messages = (0..<Int.random(in: 1...6, using: &generator)).map { _ in generator.message() }
            DecoderVerifier.verify(messages.map { (EventStreamEncoder.encode($0), $0) }, seed: UInt64(round))
        }
    }

    @Test func headerAccessorsFindSageMakerHeaders() throws {
        let part = try #require(FixedVectors.all.first { $0.name == "payload-part" }).message
        #expect(part.stringHeader(EventStreamHeaderName.messageType) == "event")
        #expect(part.stringHeader(EventStreamHeaderName.eventType) == "PayloadPart")
        #expect(part.stringHeader(EventStreamHeaderName.contentType) == "application/octet-stream")
        #expect(part.stringHeader(EventStreamHeaderName.exceptionType) == nil)

        let error = try #require(FixedVectors.all.first { $0.name == "model-stream-error" }).message
        #expect(error.stringHeader(EventStreamHeaderName.messageType) == "exception")
        #expect(error.stringHeader(EventStreamHeaderName.exceptionType) == "ModelStreamError")

        let typed = try #require(FixedVectors.all.first { $0.name == "all-ten-types" }).message
        #expect(typed.header("short") == .int16(-12345))
        #expect(typed.stringHeader("short") == nil, "not a string")
        #expect(typed.header("missing") == nil)

        let repeated = EventStreamMessage(headers: [
            EventStreamHeader(name: "a", value: .string("first")),
            EventStreamHeader(name: "a", value: .string("second")),
        ])
        #expect(repeated.stringHeader("a") == "first")
        #expect(DecoderVerifier.decodeAll([EventStreamEncoder.encode(repeated)]) == [repeated])
    }

    @Test func consumedBytesAreReleasedAsMessagesAreDecoded() throws {
        let frames = FixedVectors.all.map(\.frame)
        var decoder = EventStreamDecoder()
        decoder.append(frames.joined())
        var remaining = frames.reduce(0) { $0 + $1.count }
        for frame in frames {
            #expect(decoder.bufferedByteCount == remaining)
            _ = try decoder.decode()
            remaining -= frame.count
        }
        #expect(decoder.bufferedByteCount == 0)
        #expect(try decoder.decode() == nil)

        // A long stream with a frame always straddling two appends: the partial tail must survive compaction.
        var generator = SeededGenerator(seed: 5)
        let messages = (0..<300).map { _ in generator.message() }
        let stream = messages.flatMap { EventStreamEncoder.encode($0) }
        var decoded: [EventStreamMessage] = []
        var start = 0
        while start < stream.count {
            let end = min(stream.count, start + 333)
            decoder.append(stream[start..<end])
            while let message = try decoder.decode() { decoded.append(message) }
            #expect(decoder.bufferedByteCount < 333 + 4096)
            start = end
        }
        #expect(decoded == messages)
        #expect(decoder.bufferedByteCount == 0)
    }
}
