import Testing

@testable import ModelFormats

private func lines(_ input: [UInt8], pieces: [Int]) -> [String] {
    var splitter = LineSplitter()
    var out: [String] = []
    var start = 0
    for end in pieces + [input.count] where end >= start {
        splitter.append(input[start..<end])
        start = end
        while let line = splitter.nextLine() { out.append(String(decoding: line, as: UTF8.self)) }
    }
    if let rest = splitter.finish() { out.append(String(decoding: rest, as: UTF8.self)) }
    return out
}

@Test func splitsOnLFCRLFAndLoneCR() {
    let input = Array("a\nb\r\nc\rd\r\n\r\ne".utf8)
    let expected = ["a", "b", "c", "d", "", "e"]
    #expect(lines(input, pieces: []) == expected)
    for cut in 0...input.count {
        #expect(lines(input, pieces: [cut]) == expected, "cut at \(cut)")
    }
    #expect(lines(input, pieces: Array(0...input.count)) == expected)
}

@Test func multiByteCharacterSplitAcrossAppendsComesOutWhole() {
    let input = Array("héllo 🚀 日本語\nnext\n".utf8)
    for cut in 0...input.count {
        #expect(lines(input, pieces: [cut]) == ["héllo 🚀 日本語", "next"], "cut at \(cut)")
    }
}

@Test func holdsBackIncompleteLine() {
    var splitter = LineSplitter()
    splitter.append(Array("data: par".utf8))
    #expect(splitter.nextLine() == nil)
    splitter.append(Array("tial\r".utf8))
    #expect(splitter.nextLine() == Array("data: partial".utf8))
    #expect(splitter.nextLine() == nil)
    splitter.append([0x0A])
    #expect(splitter.nextLine() == nil)
    #expect(splitter.finish() == nil)
}
