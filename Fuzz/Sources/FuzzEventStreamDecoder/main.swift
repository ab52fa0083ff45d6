import AWSEventStream
import FuzzSupport

/// Any bytes of a SageMaker response stream, whole and split in two: the same messages and the same
/// error either way; every message re-encodes into bytes that decode to it again. An odd split byte
/// also rewrites the checksums to match, or mutations would rarely get past them to the headers.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = FuzzInput(data, size)
    let fixCRCs = (input.bytes.first ?? 0) & 1 == 1
    let bytes = fixCRCs ? withValidCRCs(input.joined) : input.joined
    let cut = bytes.startIndex + Int(input.bytes.first ?? 0) % (bytes.count + 1)
    let whole = messages([bytes])
    let split = messages([bytes[..<cut], bytes[cut...]])
    fuzzCheck(whole == split, "whole \(whole) != split \(split)")
    for message in whole.messages {
        let again = messages([ArraySlice(EventStreamEncoder.encode(message))])
        fuzzCheck(again.messages == [message] && again.error == nil, "does not re-encode: \(message)")
    }
    return 0
}

/// The bytes with each message's prelude and message CRC recomputed, as far as the lengths allow.
private func withValidCRCs(_ input: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
    var bytes = Array(input)
    var start = 0
    while bytes.count - start >= 12 {
        let total = bytes[start..<start + 4].reduce(0) { $0 << 8 | Int($1) }
        write(CRC32.checksum(bytes[start..<start + 8]), into: &bytes, at: start + 8)
        guard total >= 16, total <= bytes.count - start else { break }
        write(CRC32.checksum(bytes[start..<start + total - 4]), into: &bytes, at: start + total - 4)
        start += total
    }
    return bytes[...]
}

private func write(_ value: UInt32, into bytes: inout [UInt8], at offset: Int) {
    for index in 0..<4 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (24 - 8 * index)) }
}

private struct Decoded: Equatable {
    var messages: [EventStreamMessage] = []
    var error: EventStreamError?
}

/// Small caps so the length checks are reachable without megabytes of input.
private func messages(_ pieces: [ArraySlice<UInt8>]) -> Decoded {
    var decoder = EventStreamDecoder(maxMessageBytes: 8192, maxHeaderBytes: 2048)
    var result = Decoded()
    for piece in pieces {
        decoder.append(piece)
        do {
            while let message = try decoder.decode() { result.messages.append(message) }
        } catch {
            result.error = error
            return result
        }
    }
    return result
}

runFuzzer { data, size in data.map { fuzz($0, size) } ?? 0 }
