import FuzzSupport
import ModelFormats

/// Any bytes an `openai`-format container streams (SSE or JSON lines), whole and split in two at any
/// offset, including inside a line or a UTF-8 sequence: the same items either way. The input, and each of
/// its lines, read as one chunk: the byte-level fast path, whenever it answers, agrees with the generic one;
/// read as a whole `chat.completion` body, so does `OpenAIResponseParser`'s.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = FuzzInput(data, size)
    var whole = OpenAIStreamParser()
    let wholeItems = whole.append(Array(input.joined)) + whole.finish()
    var split = OpenAIStreamParser()
    let (first, second) = input.halves
    let splitItems = split.append(Array(first)) + split.append(Array(second)) + split.finish()
    fuzzCheck(wholeItems == splitItems, "whole \(wholeItems) != split \(splitItems)")
    let bytes = Array(input.joined)
    for payload in [bytes[...]] + bytes.split(separator: 0x0A) {
        guard let fast = OpenAIStreamParser.fastItems(payload: Array(payload)) else { continue }
        let generic = OpenAIStreamParser.genericItems(payload: Array(payload))
        fuzzCheck(fast == generic, "fast path \(fast) != generic \(generic)")
    }
    for body in [bytes] + bytes.split(separator: 0x0A).map(Array.init) {
        guard let fast = OpenAIResponseParser.fastEvents(from: body) else { continue }
        let generic = OpenAIResponseParser.genericEvents(from: body)
        fuzzCheck(generic == .success(fast), "response fast path \(fast) != generic \(generic)")
    }
    return 0
}

runFuzzer { data, size in data.map { fuzz($0, size) } ?? 0 }
