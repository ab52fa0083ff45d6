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

/// The SSE line rule applied to a whole input at once: the reference the single-step splitter must agree with.
private func referenceLines(_ input: [UInt8]) -> [[UInt8]] {
    var out: [[UInt8]] = []
    var line: [UInt8] = []
    var index = 0
    while index < input.count {
        let byte = input[index]
        if byte == 0x0A || byte == 0x0D {
            out.append(line)
            line = []
            if byte == 0x0D, index + 1 < input.count, input[index + 1] == 0x0A { index += 1 }
        } else {
            line.append(byte)
        }
        index += 1
    }
    if !line.isEmpty { out.append(line) }
    return out
}

/// Appends in the given pieces, reading lines with `nextLineSlice` (shared storage) after each append.
private func sliceLines(_ input: [UInt8], pieces: [Int]) -> [[UInt8]] {
    var splitter = LineSplitter()
    var out: [[UInt8]] = []
    var start = 0
    for end in pieces + [input.count] where end >= start {
        splitter.append(input[start..<end])
        start = end
        while let line = splitter.nextLineSlice() { out.append(Array(line)) }
    }
    if let rest = splitter.finish() { out.append(rest) }
    return out
}

@Test func terminatorCombinationsSplitAtEveryOffsetMatchTheReference() {
    // Long lines too, so the vectorised search runs over more than one block before a terminator.
    let long = String(repeating: "x", count: 70)
    let inputs = [
        "\r\n\r\n", "\n\r", "\r\r\n\n", "a\r", "a\r\nb", "\rb\n", "data: {}\n\n", "data: x\r\n\r\ndata: y\r\r",
        "\(long)\r\(long)\n\(long)\r\n\r\(long)", "\(long)", "a\n\(long)é\r\n", "",
    ]
    for text in inputs {
        let input = Array(text.utf8)
        let expected = referenceLines(input)
        #expect(sliceLines(input, pieces: []) == expected, "\(text.debugDescription)")
        #expect(sliceLines(input, pieces: Array(0...input.count)) == expected, "\(text.debugDescription) bytewise")
        for cut in 0...input.count {
            #expect(sliceLines(input, pieces: [cut]) == expected, "\(text.debugDescription) cut at \(cut)")
            #expect(lines(input, pieces: [cut]) == expected.map { String(decoding: $0, as: UTF8.self) })
        }
    }
}

@Test func randomTerminatorSoupMatchesTheReference() {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state >> 33
    }
    let alphabet: [UInt8] = [0x0A, 0x0D, 0x61, 0x62, 0x20, 0xC3, 0xA9]
    for _ in 0..<300 {
        let input = (0..<Int(next() % 120)).map { _ in alphabet[Int(next() % UInt64(alphabet.count))] }
        var pieces: [Int] = []
        var at = 0
        while at < input.count {
            at = min(input.count, at + Int(next() % 40))
            pieces.append(at)
        }
        #expect(sliceLines(input, pieces: pieces) == referenceLines(input), "\(input) \(pieces)")
    }
}
