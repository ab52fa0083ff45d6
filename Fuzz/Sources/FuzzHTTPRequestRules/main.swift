import EventLoop
import FuzzSupport

/// Any bytes of an HTTP/1.1 request, as HTTPConnectionGuard sees them: head lines through
/// RequestHeadRules until a verdict other than `.more`; for a chunked head, the rest through
/// ChunkedBodyRules, whole and split in two, which must reach the same verdict (a `complete` one
/// counting the same bytes) either way; the last byte chooses where the body is split.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = FuzzInput(data, size).bytes
    var head = RequestHeadRules()
    var start = 0
    while let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
        var end = newline
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        let verdict = head.accept(bytes[start..<end])
        start = newline + 1
        switch verdict {
        case .more: continue
        case .complete(let length):
            if let length { fuzzCheck(length >= 0, "a negative Content-Length: \(length)") }
            if head.isChunked { checkChunked(Array(bytes[start...])) }
            return 0
        case .reject, .methodNotAllowed: return 0
        }
    }
    return 0
}

private func checkChunked(_ body: [UInt8]) {
    var whole = ChunkedBodyRules(limit: 1000)
    let wholeVerdict = whole.accept(body)
    guard let selector = body.last else { return }
    let cut = Int(selector) % (body.count + 1)
    var split = ChunkedBodyRules(limit: 1000)
    var splitVerdict = split.accept(Array(body[..<cut]))
    if splitVerdict == .more {
        splitVerdict = split.accept(Array(body[cut...]))
        if case .complete(let consumed) = splitVerdict { splitVerdict = .complete(consumed: consumed + cut) }
    }
    fuzzCheck(wholeVerdict == splitVerdict, "whole \(wholeVerdict) != split \(splitVerdict)")
}

runFuzzer { data, size in data.map { fuzz($0, size) } ?? 0 }
