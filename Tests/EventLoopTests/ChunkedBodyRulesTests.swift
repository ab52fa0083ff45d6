import EventLoop
import Testing

@Suite("ChunkedBodyRules")
struct ChunkedBodyRulesTests {
    static let body = Array("5\r\nhello\r\n1a \r\n\(String(repeating: "z", count: 26))\r\n0\r\nX-T: 1\r\n\r\nNEXT".utf8)

    @Test func aWholeBodyCompletesWhereItEnds() {
        var rules = ChunkedBodyRules(limit: 1000)
        #expect(rules.accept(Self.body) == .complete(consumed: Self.body.count - 4))
    }

    /// The same verdict whatever the reads: one byte at a time and split at every offset.
    @Test func everySplitGivesTheSameEnd() {
        for split in 1..<Self.body.count {
            var rules = ChunkedBodyRules(limit: 1000)
            let first = rules.accept(Array(Self.body[..<split]))
            if case .complete(let consumed) = first {
                #expect(consumed == Self.body.count - 4)
                continue
            }
            #expect(first == .more, "split at \(split)")
            #expect(rules.accept(Array(Self.body[split...])) == .complete(consumed: Self.body.count - 4 - split))
        }
        var rules = ChunkedBodyRules(limit: 1000)
        var completedAt: Int?
        for (offset, byte) in Self.body.enumerated() {
            let verdict = rules.accept([byte])
            if verdict == .more { continue }
            #expect(verdict == .complete(consumed: 1))
            completedAt = offset
            break
        }
        #expect(completedAt == Self.body.count - 5)
    }

    @Test func bareLineFeedsAndNoTrailer() {
        var rules = ChunkedBodyRules(limit: 100)
        #expect(rules.accept(Array("3\nabc\n0\n\n".utf8)) == .complete(consumed: 9))
    }

    @Test(
        arguments: [
            ("xyz\r\n", "hexadecimal"),
            ("-5\r\n", "hexadecimal"),
            ("\r\n", "hexadecimal"),
            ("5\rX", "CRLF"),
            ("3\r\nabcd\r\n", "longer than its size"),
            ("1000000000000000\r\n", "too long"),
            ("5;name=x\r\n", "extensions are not supported"),
            ("5 x\r\n", "more than a size"),
        ])
    func malformed(text: String, reason: String) {
        var rules = ChunkedBodyRules(limit: 1 << 40)
        guard case .malformed(let message) = rules.accept(Array(text.utf8)) else {
            Issue.record("\(text.debugDescription) was accepted")
            return
        }
        #expect(message.contains(reason))
    }

    @Test func overTheLimitAsSoonAsASizeSaysSo() {
        var rules = ChunkedBodyRules(limit: 10)
        #expect(rules.accept(Array("8\r\n12345678\r\n".utf8)) == .more)
        #expect(rules.accept(Array("3\r\n".utf8)) == .tooLarge)
    }

    @Test func unservedMethodsAreNamed() {
        var rules = RequestHeadRules()
        #expect(rules.accept(Array("TRACE / HTTP/1.1".utf8)[...]) == .methodNotAllowed("TRACE"))
    }
}
