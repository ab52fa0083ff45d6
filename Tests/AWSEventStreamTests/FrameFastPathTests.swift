import Testing

@testable import AWSEventStream

/// `decodeFrame()` and its byte-level header lookups against the full decoder: same messages, same errors, and
/// `stringHeader(_:is:)` agreeing with `stringHeader(_:) == value` on the checked-in botocore vectors and random ones.
@Suite struct FrameFastPathTests {
    /// Every (name, value) pair the translator asks about, plus near misses.
    static func lookups(_ frame: EventStreamFrame, _ message: EventStreamMessage) -> [String] {
        var mismatches: [String] = []
        func check(_ name: StaticString, _ value: StaticString) {
            let expected = message.stringHeader("\(name)") == "\(value)"
            if frame.stringHeader(name, is: value) != expected { mismatches.append("\(name) = \(value)") }
        }
        for value: StaticString in ["event", "exception", "error", "even", "", "PayloadPart"] {
            let expected = message.stringHeader(":message-type") == "\(value)"
            if frame.messageType(is: value) != expected { mismatches.append("messageType is \(value)") }
        }
        for value: StaticString in ["PayloadPart", "PayloadPar", "event", "", "héllo ✓ 😀"] {
            let expected = message.stringHeader(":event-type") == "\(value)"
            if frame.eventType(is: value) != expected { mismatches.append("eventType is \(value)") }
        }
        check(":message-type", "event")
        check(":message-type", "exception")
        check(":message-type", "even")
        check(":event-type", "PayloadPart")
        check(":event-type", "PayloadPar")
        check(":content-type", "application/octet-stream")
        check(":exception-type", "ModelStreamError")
        check("string", "héllo ✓ 😀")
        check("bytes", "")
        check("true", "")
        check("", "")
        for name in [":message-type", ":exception-type", ":error-code", "string", "bytes", "missing"] {
            if frame.stringHeader(name) != message.stringHeader(name) { mismatches.append("stringHeader(\(name))") }
        }
        return mismatches
    }

    static func frames(_ bytes: [UInt8]) throws -> [EventStreamFrame] {
        var decoder = EventStreamDecoder()
        decoder.append(bytes)
        var frames: [EventStreamFrame] = []
        while let frame = try decoder.decodeFrame() { frames.append(frame) }
        return frames
    }

    @Test func fixedVectorsDecodeToTheSameMessageAndLookups() throws {
        for vector in FixedVectors.all {
            let frames = try Self.frames(vector.frame)
            #expect(frames.count == 1, "\(vector.name)")
            guard let frame = frames.first else { continue }
            #expect(frame.message == vector.message, "\(vector.name)")
            #expect(Array(frame.payload) == vector.message.payload, "\(vector.name)")
            #expect(Self.lookups(frame, vector.message).isEmpty, "\(vector.name)")
        }
    }

    @Test func concatenatedStreamMatchesDecodeFrameByFrame() throws {
        var generator = SeededGenerator(seed: 7)
        var messages = FixedVectors.all.map(\.message)
        messages += (0..<200).map { _ in generator.message() }
        let stream = messages.flatMap { EventStreamEncoder.encode($0) }
        let frames = try Self.frames(stream)
        #expect(frames.map(\.message) == messages)
        let bad = zip(frames, messages).flatMap { Self.lookups($0, $1) }
        #expect(bad.isEmpty)
    }

    /// The type headers anywhere among others, repeated, of other types, with non-ASCII values: the one-pass scan
    /// must find the first occurrence as `stringHeader` does.
    @Test func typeHeadersFoundWhereverTheyAre() throws {
        var generator = SeededGenerator(seed: 3)
        let values: [EventStreamHeaderValue] = [
            .string("event"), .string("exception"), .string("PayloadPart"), .string("évent"), .string(""),
            .int32(7), .bool(true), .byteArray(Array("event".utf8)),
        ]
        var messages: [EventStreamMessage] = []
        for _ in 0..<400 {
            var message = generator.message()
            for _ in 0..<Int(generator.next() % 4) {
                let name = generator.next() % 2 == 0 ? ":message-type" : ":event-type"
                let value = values[Int(generator.next() % UInt64(values.count))]
                let position = Int(generator.next() % UInt64(message.headers.count + 1))
                message.headers.insert(EventStreamHeader(name: name, value: value), at: position)
            }
            messages.append(message)
        }
        let frames = try Self.frames(messages.flatMap { EventStreamEncoder.encode($0) })
        #expect(frames.map(\.message) == messages)
        let bad = zip(frames, messages).flatMap { Self.lookups($0, $1) }
        #expect(bad.isEmpty, "\(bad.prefix(5))")
    }

    /// Repeated header sections are recognised by their bytes: a stream drawn from a small pool (identical sections,
    /// same-length different ones, non-ASCII ones) decodes as fresh decoders do, frame by frame.
    @Test func repeatedHeaderSectionsDecodeAsFreshOnes() throws {
        func message(_ type: String, _ event: String, _ payload: String) -> EventStreamMessage {
            EventStreamMessage(
                headers: [
                    EventStreamHeader(name: ":event-type", value: .string(event)),
                    EventStreamHeader(name: ":content-type", value: .string("application/octet-stream")),
                    EventStreamHeader(name: ":message-type", value: .string(type)),
                ],
                payload: Array(payload.utf8))
        }
        let pool = [
            message("event", "PayloadPart", "a"), message("event", "PayloadPart", "bb"),
            message("evenx", "PayloadPart", "c"), message("event", "PayloadPark", ""),
            message("évent", "PayloadPart", "d"), message("exception", "PayloadPart", "e"),
        ]
        var generator = SeededGenerator(seed: 5)
        let messages = (0..<300).map { _ in pool[Int(generator.next() % UInt64(pool.count))] }
        let frames = try Self.frames(messages.flatMap { EventStreamEncoder.encode($0) })
        #expect(frames.map(\.message) == messages)
        let bad = zip(frames, messages).flatMap { Self.lookups($0, $1) }
        #expect(bad.isEmpty, "\(bad.prefix(5))")
    }

    /// A section that matches the remembered one in length but not in bytes is validated, and its error reported.
    @Test func aBadSectionAfterAGoodOneStillFails() {
        let good = EventStreamMessage(headers: [EventStreamHeader(name: ":message-type", value: .string("event"))])
        var badHeaders: [UInt8] = [13] + Array(":message-type".utf8) + [7, 0, 5] + Array("even".utf8) + [0xFF]
        let bad = DecoderCorruptionTests.frame(rawHeaders: badHeaders)
        var decoder = EventStreamDecoder()
        decoder.append(EventStreamEncoder.encode(good) + bad)
        #expect((try? decoder.decodeFrame())??.message == good)
        #expect(throws: EventStreamError.invalidHeader("string value of header \":message-type\" is not valid UTF-8")) {
            try decoder.decodeFrame()
        }
        badHeaders[badHeaders.count - 1] = UInt8(ascii: "t")
        #expect(DecoderCorruptionTests.decodeError(DecoderCorruptionTests.frame(rawHeaders: badHeaders)) == nil)
    }

    @Test func framesOutliveLaterAppends() throws {
        let vectors = FixedVectors.all
        var decoder = EventStreamDecoder()
        var kept: [EventStreamFrame] = []
        for vector in vectors {
            decoder.append(vector.frame)
            if let frame = try decoder.decodeFrame() { kept.append(frame) }
        }
        #expect(kept.map(\.message) == vectors.map(\.message))
        #expect(decoder.bufferedByteCount == 0)
    }

    /// The ASCII fast check must accept only what `parse` accepts, and otherwise report `parse`'s own error.
    @Test func headerValidationAgreesWithParse() {
        var generator = SeededGenerator(seed: 99)
        var sections: [[UInt8]] = []
        for _ in 0..<300 {
            let message = generator.message()
            let frame = EventStreamEncoder.encode(message)
            let headersLength = Int(frame[4]) << 24 | Int(frame[5]) << 16 | Int(frame[6]) << 8 | Int(frame[7])
            let section = Array(frame[12..<12 + headersLength])
            sections.append(section)
            for cut in stride(from: 0, to: section.count, by: 3) { sections.append(Array(section[..<cut])) }
            if !section.isEmpty {
                var mutated = section
                let index = Int(generator.next() % UInt64(section.count))
                mutated[index] = UInt8(truncatingIfNeeded: generator.next())
                sections.append(mutated)
            }
        }
        sections += [
            [0], [1, 0x61], [1, 0x61, 10], [1, 0x61, 7, 0, 2, 0xC3, 0x28], [1, 0xFF, 0], [1, 0x61, 7, 0, 1],
        ]
        var disagreements = 0
        for section in sections {
            let parsed = section.withUnsafeBytes { bytes in
                Result { () throws(EventStreamError) in _ = try EventStreamHeaderCodec.parse(bytes) }
            }
            let validated = section.withUnsafeBytes { bytes in
                Result { () throws(EventStreamError) in try EventStreamHeaderCodec.validate(bytes) }
            }
            switch (parsed, validated) {
            case (.success, .success): continue
            case (.failure(let a), .failure(let b)) where a == b: continue
            default: disagreements += 1
            }
        }
        #expect(disagreements == 0)
    }
}
