import FuzzSupport
import ModelFormats

/// Any bytes a TGI container streams, whole and split in two at any offset, including inside a line
/// or a UTF-8 sequence: the same items either way (with a stop sequence, so trimming is exercised).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = FuzzInput(data, size)
    var whole = TGIStreamParser(stopSequences: ["</s>"], promptTokensIfUnreported: 3)
    let wholeItems = whole.append(Array(input.joined)) + whole.finish()
    var split = TGIStreamParser(stopSequences: ["</s>"], promptTokensIfUnreported: 3)
    let (first, second) = input.halves
    let splitItems = split.append(Array(first)) + split.append(Array(second)) + split.finish()
    fuzzCheck(wholeItems == splitItems, "whole \(wholeItems) != split \(splitItems)")
    return 0
}

runFuzzer { data, size in data.map { fuzz($0, size) } ?? 0 }
