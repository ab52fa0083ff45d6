import AWSEventStream
import Foundation
import Testing

/// Interop with an independent implementation: frames built by Python's `struct` + `zlib.crc32` and accepted by
/// botocore must decode here, and frames built here must be accepted by botocore.
@Suite struct ReferenceVectorTests {
    @Test func decodesFramesFromThePythonReference() throws {
        guard case .output(let json) = try run("generate") else { return }
        let vectors = try JSONDecoder().decode(VectorFile.self, from: Data(json.utf8)).vectors
        #expect(vectors.count >= 28)

        var cases: [(frame: [UInt8], message: EventStreamMessage)] = []
        for vector in vectors {
            let frame = try vector.frame()
            let expected = try vector.message()
            var decoder = EventStreamDecoder()
            decoder.append(frame)
            #expect(try decoder.decode() == expected, "\(vector.name)")
            #expect(try decoder.decode() == nil)
            #expect(decoder.bufferedByteCount == 0)
            #expect(EventStreamEncoder.encode(expected) == frame, "encoder is byte-identical for \(vector.name)")
            cases.append((frame, expected))
        }
        let names = Set(vectors.map(\.name))
        for required in ["all-ten-types", "empty-payload", "empty-headers", "payload-part", "model-stream-error"] {
            #expect(names.contains(required))
        }
        // The fixed vectors checked in with the tests must still be what the reference produces.
        for fixed in FixedVectors.all {
            #expect(try vectors.first { $0.name == fixed.name }?.frame() == fixed.frame, "\(fixed.name)")
        }

        DecoderVerifier.verify(cases.filter { $0.frame.count < 4096 }, seed: 11)
        DecoderVerifier.verify(cases, seed: 12)  // with the 70 KB frame; too long to split at every offset
    }

    @Test func botocoreDecodesFramesFromTheSwiftEncoder() throws {
        var generator = SeededGenerator(seed: 42)
        var messages = FixedVectors.all.map(\.message)
        messages += (0..<40).map { _ in generator.message() }
        messages.append(
            EventStreamMessage(
                headers: [
                    EventStreamHeader(
                        name: String(repeating: "n", count: 255),
                        value: .string(String(repeating: "✓", count: 5000))
                    ),
                    EventStreamHeader(name: "bytes", value: .byteArray(generator.bytes(Int(UInt16.max)))),
                ],
                payload: generator.bytes(100_000)
            )
        )
        let vectors = messages.enumerated().map { index, message in
            VectorDescription(name: "swift-\(index)", frame: EventStreamEncoder.encode(message), message: message)
        }
        let input = try JSONEncoder().encode(VectorFile(vectors: vectors))
        guard case .output(let report) = try run("verify", input: Array(input)) else { return }
        #expect(report.hasPrefix("verified \(vectors.count) frames"))
    }

    private func run(_ mode: String, input: [UInt8] = []) throws -> PythonReference.Outcome {
        let outcome = try PythonReference.run(mode, input: input)
        if case .skipped(let reason) = outcome {
            print("SKIPPED: event-stream reference check '\(mode)' needs python3 with botocore: \(reason)")
        }
        return outcome
    }
}
