import FuzzSupport
import GatewayWire

/// Any bytes on the Unix socket, whole and split in two: the same frames and the same errors either way
/// (a partial frame is never consumed; an oversized one is skipped the same however its bytes arrive);
/// each frame re-encodes to the bytes it came from, and its payload decodes as a request or a translator
/// message, or throws.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = FuzzInput(data, size)
    let whole = frames([input.joined])
    let (first, second) = input.halves
    let split = frames([first, second])
    fuzzCheck(whole == split, "whole \(whole) != split \(split)")
    for frame in whole.frames {
        var again = FrameDecoder()
        again.append(frame.encoded())
        fuzzCheck((try? again.decode()) == frame, "a frame does not re-encode to itself: \(frame)")
        _ = try? GatewayRequest(frame: frame)
        _ = try? TranslatorMessage(frame: frame)
    }
    return 0
}

private struct Decoded: Equatable {
    var frames: [Frame] = []
    /// `tooLarge` refusals, in order, each after the frames before it.
    var skipped: [Int] = []
    var error: FrameError?
}

/// Small maximum so length checks are reachable without megabytes of input.
private func frames(_ pieces: [ArraySlice<UInt8>]) -> Decoded {
    var decoder = FrameDecoder(maxLength: 4096)
    var result = Decoded()
    for piece in pieces {
        decoder.append(piece)
        while true {
            do {
                guard let frame = try decoder.decode() else { break }
                result.frames.append(frame)
            } catch .tooLarge {
                result.skipped.append(result.frames.count)
            } catch {
                result.error = error
                return result
            }
        }
    }
    return result
}

runFuzzer { data, size in data.map { fuzz($0, size) } ?? 0 }
