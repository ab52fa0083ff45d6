import AWSEventStream
import FuzzSupport

/// Any bytes of a SageMaker response stream, whole and split in two: the same messages and the same
/// error either way; every message re-encodes into bytes that decode to it again.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = FuzzInput(data, size)
    let whole = messages([input.joined])
    let (first, second) = input.halves
    let split = messages([first, second])
    fuzzCheck(whole == split, "whole \(whole) != split \(split)")
    for message in whole.messages {
        let again = messages([ArraySlice(EventStreamEncoder.encode(message))])
        fuzzCheck(again.messages == [message] && again.error == nil, "does not re-encode: \(message)")
    }
    return 0
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
