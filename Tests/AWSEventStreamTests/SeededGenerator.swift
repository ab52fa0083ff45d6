import AWSEventStream
import TestSupport

/// The shared seeded generator, with event-stream messages to draw.
struct SeededGenerator: RandomNumberGenerator {
    private var source: SplitMix

    init(seed: UInt64) { source = SplitMix(seed: seed) }

    mutating func next() -> UInt64 { source.next() }

    mutating func bytes(_ count: Int) -> [UInt8] { source.bytes(count) }

    /// A message with up to 8 headers of random types (names unique, as botocore requires) and up to 300 payload bytes.
    mutating func message() -> EventStreamMessage {
        let alphabet: [Character] = ["a", "z", ":", "-", " ", "é", "ß", "中", "🚀"]
        func text(_ maxLength: Int) -> String {
            let length = Int.random(in: 0...maxLength, using: &self)
            return String((0..<length).map { _ in alphabet[Int.random(in: alphabet.indices, using: &self)] })
        }
        var headers: [EventStreamHeader] = []
        for position in 0..<Int.random(in: 0...8, using: &self) {
            let value: EventStreamHeaderValue
            switch Int.random(in: 0..<9, using: &self) {
            case 0: value = .bool(Bool.random(using: &self))
            case 1: value = .byte(Int8.random(in: .min ... .max, using: &self))
            case 2: value = .int16(Int16.random(in: .min ... .max, using: &self))
            case 3: value = .int32(Int32.random(in: .min ... .max, using: &self))
            case 4: value = .int64(Int64.random(in: .min ... .max, using: &self))
            case 5: value = .byteArray(bytes(Int.random(in: 0...40, using: &self)))
            case 6: value = .string(text(30))
            case 7: value = .timestamp(Int64.random(in: .min ... .max, using: &self))
            default: value = .uuid(bytes(16))
            }
            headers.append(EventStreamHeader(name: "h\(position)-" + text(6), value: value))
        }
        return EventStreamMessage(headers: headers, payload: bytes(Int.random(in: 0...300, using: &self)))
    }
}
