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

        // One expectation per strategy, naming the failing cuts, so a bug does not flood the log.
        if stream.count <= everyOffsetLimit {
            let badOffsets = (0...stream.count).filter { offset in
                decodeAll([Array(stream[..<offset]), Array(stream[offset...])]) != expected
            }
            #expect(badOffsets.isEmpty, "split into two appends at these offsets", sourceLocation: sourceLocation)
        }

        var generator = SeededGenerator(seed: seed)
        let badChunkings = (0..<20).map { _ in
            var cuts: [Int] = []
            var start = 0
            while start < stream.count {
                start = min(stream.count, start + Int.random(in: 0...64, using: &generator))
                cuts.append(start)
            }
            return cuts
        }.filter { cuts in
            decodeAll(zip([0] + cuts, cuts).map { Array(stream[$0..<$1]) }) != expected
        }
        #expect(badChunkings.isEmpty, "random chunkings (cut points)", sourceLocation: sourceLocation)
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
