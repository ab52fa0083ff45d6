import AWSEventStream
import Testing

@Suite struct DecoderCorruptionTests {
    /// A prelude with a correct CRC, so only the length checks can reject it.
    static func prelude(total: UInt32, headers: UInt32) -> [UInt8] {
        var bytes = bigEndian(total) + bigEndian(headers)
        bytes += bigEndian(CRC32.checksum(bytes))
        return bytes
    }

    /// A frame with correct CRCs around arbitrary header bytes, to reach the header parser.
    static func frame(rawHeaders: [UInt8], payload: [UInt8] = []) -> [UInt8] {
        var bytes = prelude(total: UInt32(16 + rawHeaders.count + payload.count), headers: UInt32(rawHeaders.count))
        bytes += rawHeaders + payload
        return bytes + bigEndian(CRC32.checksum(bytes))
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    static func decodeError(_ bytes: [UInt8], decoder: EventStreamDecoder = EventStreamDecoder()) -> EventStreamError? {
        var decoder = decoder
        decoder.append(bytes)
        do {
            _ = try decoder.decode()
            return nil
        } catch {
            return error
        }
    }

    @Test func anyFlippedByteIsCaughtByTheChecksumCoveringIt() {
        var misses: [String] = []  // collected, so a regression reports one line instead of thousands
        for vector in FixedVectors.all {
            for offset in vector.frame.indices {
                for mask: UInt8 in [0x01, 0x80, 0xFF] {
                    var bytes = vector.frame
                    bytes[offset] ^= mask
                    let expected: EventStreamError
                    if offset < 12 {
                        expected = .preludeChecksumMismatch(
                            expected: UInt32(bytes: bytes[8..<12]),
                            actual: CRC32.checksum(bytes[0..<8])
                        )
                    } else {
                        expected = .messageChecksumMismatch(
                            expected: UInt32(bytes: bytes[(bytes.count - 4)...]),
                            actual: CRC32.checksum(bytes[..<(bytes.count - 4)])
                        )
                    }
                    let actual = Self.decodeError(bytes)
                    if actual != expected {
                        misses.append("\(vector.name) byte \(offset) ^ \(mask): \(String(describing: actual))")
                    }
                }
            }
        }
        #expect(misses.isEmpty)
    }

    @Test func errorsAreFinal() throws {
        var bytes = FixedVectors.all[1].frame
        bytes[20] ^= 1
        var decoder = EventStreamDecoder()
        decoder.append(bytes)
        let first = #expect(throws: EventStreamError.self) { try decoder.decode() }
        decoder.append(FixedVectors.all[0].frame)
        #expect(decoder.bufferedByteCount == 0, "input after an error is dropped")
        let second = #expect(throws: EventStreamError.self) { try decoder.decode() }
        #expect(first == second)
    }

    @Test func oversizedLengthsAreRejectedFromThePreludeAlone() {
        // Only the 12 prelude bytes are supplied: the decoder must not wait for (or buffer) the announced body.
        let limit = 16 << 20
        #expect(Self.decodeError(Self.prelude(total: UInt32(limit + 1), headers: 0)) == .messageTooLarge(limit + 1))
        #expect(Self.decodeError(Self.prelude(total: .max, headers: 0)) == .messageTooLarge(Int(UInt32.max)))
        let headerLimit = 128 << 10
        #expect(
            Self.decodeError(Self.prelude(total: 1 << 20, headers: UInt32(headerLimit + 1)))
                == .headersTooLarge(headerLimit + 1)
        )
        #expect(Self.decodeError(Self.prelude(total: .max, headers: .max)) == .messageTooLarge(Int(UInt32.max)))

        let small = EventStreamDecoder(maxMessageBytes: 100, maxHeaderBytes: 10)
        #expect(Self.decodeError(Self.prelude(total: 101, headers: 0), decoder: small) == .messageTooLarge(101))
        #expect(Self.decodeError(Self.prelude(total: 100, headers: 11), decoder: small) == .headersTooLarge(11))
        // At the limits the frame is accepted.
        let atLimit = Self.frame(rawHeaders: [4, 0x6E, 0x61, 0x6D, 0x65, 0], payload: Array(repeating: 7, count: 78))
        #expect(atLimit.count == 100)
        var decoder = small
        decoder.append(atLimit)
        #expect(
            (try? decoder.decode())
                == EventStreamMessage(
                    headers: [EventStreamHeader(name: "name", value: .bool(true))],
                    payload: Array(repeating: 7, count: 78)
                )
        )
    }

    @Test func inconsistentLengthsAreRejected() {
        for total: UInt32 in [0, 1, 12, 15] {
            guard case .invalidLength? = Self.decodeError(Self.prelude(total: total, headers: 0)) else {
                Issue.record("total \(total) accepted")
                continue
            }
        }
        guard case .invalidLength? = Self.decodeError(Self.prelude(total: 100, headers: 85)) else {
            Issue.record("headers longer than total - 16 accepted")
            return
        }
        // headers == total - 16 is a message with an empty payload: valid, and incomplete with 12 bytes.
        var decoder = EventStreamDecoder()
        decoder.append(Self.prelude(total: 100, headers: 84))
        #expect((try? decoder.decode()) == .some(nil))
    }

    @Test func truncatedInputWaitsForMoreBytes() throws {
        for vector in FixedVectors.all {
            for length in 0..<vector.frame.count {
                var decoder = EventStreamDecoder()
                decoder.append(vector.frame[..<length])
                #expect(try decoder.decode() == nil, "\(vector.name) cut at \(length)")
                #expect(decoder.bufferedByteCount == length)
                decoder.append(vector.frame[length...])
                #expect(try decoder.decode() == vector.message)
            }
        }
    }

    @Test func malformedHeadersWithValidChecksumsAreRejected() {
        let cases: [(String, [UInt8])] = [
            ("unknown type", [1, 0x61, 10]),
            ("name past the end", [5, 0x61, 0x62]),
            ("missing type", [1, 0x61]),
            ("name not UTF-8", [2, 0xC3, 0x28, 0]),
            ("short int32", [1, 0x61, 4, 0, 0, 0]),
            ("short int64", [1, 0x61, 5, 0, 0, 0, 0, 0, 0, 0]),
            ("short uuid", [1, 0x61, 9] + Array(repeating: 0, count: 15)),
            ("string past the end", [1, 0x61, 7, 0, 3, 0x61, 0x62]),
            ("string not UTF-8", [1, 0x61, 7, 0, 1, 0xFF]),
            ("string with a cut 3-byte sequence", [1, 0x61, 7, 0, 3, 0xEF, 0xBF, 0x41]),
            ("string with an overlong encoding", [1, 0x61, 7, 0, 2, 0xC0, 0x80]),
            ("string with a surrogate", [1, 0x61, 7, 0, 3, 0xED, 0xA0, 0x80]),
            ("name ending mid-sequence", [2, 0x61, 0xE2, 0]),
            ("byte array past the end", [1, 0x61, 6, 0xFF, 0xFF, 1]),
            ("missing length", [1, 0x61, 6, 0]),
        ]
        for (name, rawHeaders) in cases {
            guard case .invalidHeader? = Self.decodeError(Self.frame(rawHeaders: rawHeaders, payload: [1, 2])) else {
                Issue.record("\(name) accepted")
                continue
            }
        }
    }
}

extension UInt32 {
    init(bytes: ArraySlice<UInt8>) {
        self = bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }
}
