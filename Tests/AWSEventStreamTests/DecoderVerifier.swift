import AWSEventStream
import Testing

/// SwiftNIO's `ByteToMessageDecoderVerifier` idea for ``EventStreamDecoder``: however the bytes of a stream are
/// cut into appends, the same messages come out, and nothing is left over.
enum DecoderVerifier {
    /// Streams longer than this are not split at every offset (that costs quadratic time).
    static let everyOffsetLimit = 16 << 10

    static func verify(
        _ cases: [(frame: [UInt8], message: EventStreamMessage)],
        seed: UInt64 = 1,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let stream = cases.flatMap(\.frame)
        let expected = cases.map(\.message)

        for (frame, message) in cases {
            #expect(decodeAll([frame]) == [message], "whole frame", sourceLocation: sourceLocation)
        }
        #expect(decodeAll([stream]) == expected, "concatenated", sourceLocation: sourceLocation)
        #expect(decodeAll(stream.map { [$0] }) == expected, "one byte at a time", sourceLocation: sourceLocation)

        if stream.count <= everyOffsetLimit {
            for offset in 0...stream.count {
                let halves = [Array(stream[..<offset]), Array(stream[offset...])]
                #expect(decodeAll(halves) == expected, "split at \(offset)", sourceLocation: sourceLocation)
            }
        }

        var generator = SeededGenerator(seed: seed)
        for _ in 0..<20 {
            var chunks: [[UInt8]] = []
            var start = 0
            while start < stream.count {
                let end = min(stream.count, start + Int.random(in: 0...64, using: &generator))
                chunks.append(Array(stream[start..<end]))
                start = end
            }
            #expect(decodeAll(chunks) == expected, "random chunks", sourceLocation: sourceLocation)
        }
    }

    /// Appends each chunk and drains the decoder after each; an error or leftover bytes yield `nil`.
    static func decodeAll(_ chunks: [[UInt8]]) -> [EventStreamMessage]? {
        var decoder = EventStreamDecoder()
        var messages: [EventStreamMessage] = []
        do {
            for chunk in chunks {
                decoder.append(chunk)
                while let message = try decoder.decode() {
                    messages.append(message)
                }
            }
        } catch {
            return nil
        }
        return decoder.bufferedByteCount == 0 ? messages : nil
    }
}
