import AWSEventStream
import Testing

@Suite struct DecoderFuzzTests {
    /// Random bytes: almost all fail the prelude CRC; what matters is no crash, no hang, and bounded buffering.
    @Test func randomBytesNeverCrashOrSpin() {
        var generator = SeededGenerator(seed: 99)
        for _ in 0..<3000 {
            let bytes = generator.bytes(Int.random(in: 0...256, using: &generator))
            var decoder = EventStreamDecoder(maxMessageBytes: 1 << 16, maxHeaderBytes: 1 << 10)
            var calls = 0
            var start = 0
            feeding: while start < bytes.count {
                let end = min(bytes.count, start + Int.random(in: 1...40, using: &generator))
                decoder.append(bytes[start..<end])
                start = end
                do {
                    // Every message consumes at least 16 bytes, so this loop is bounded by the input length.
                    while try decoder.decode() != nil {
                        calls += 1
                        #expect(calls <= bytes.count / 16)
                    }
                } catch {
                    break feeding
                }
            }
            #expect(decoder.bufferedByteCount <= bytes.count)
        }
    }

    /// Random header sections wrapped in valid CRCs reach the header parser. Whatever it accepts must re-encode to
    /// the same bytes (the encoding is canonical), and whatever it rejects must be rejected as a header error.
    @Test func randomHeaderSectionsParseCanonicallyOrFailCleanly() {
        var generator = SeededGenerator(seed: 100)
        var accepted = 0
        for _ in 0..<5000 {
            var rawHeaders = generator.bytes(Int.random(in: 0...48, using: &generator))
            // Bias towards plausible headers: short names and known type codes.
            if rawHeaders.count > 2 {
                rawHeaders[0] %= 4
                let typeIndex = Int(rawHeaders[0]) + 1
                if typeIndex < rawHeaders.count { rawHeaders[typeIndex] %= 11 }
            }
            let frame = DecoderCorruptionTests.frame(rawHeaders: rawHeaders, payload: generator.bytes(3))
            var decoder = EventStreamDecoder()
            decoder.append(frame)
            do {
                let message = try decoder.decode()
                #expect(message.map(EventStreamEncoder.encode) == frame)
                accepted += 1
            } catch {
                guard case .invalidHeader = error else {
                    Issue.record("unexpected \(error)")
                    continue
                }
            }
        }
        #expect(accepted > 100, "the generator should produce some valid sections")
    }
}
