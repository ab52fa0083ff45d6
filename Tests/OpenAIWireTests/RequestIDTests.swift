import Testing

@testable import OpenAIWire

@Suite struct RequestIDTests {
    @Test func saneClientIdsPassAsTheyAre() {
        for id in [
            "abc", "0f8fad5b-d9cb-469f-a165-70867728950e", "01ARZ3NDEKTSV4RRFFQ69G5FAV", "trace:1.2_x",
            String(repeating: "a", count: 128),
        ] {
            #expect(RequestID.sanitized(clientHeader: id) == id)
        }
    }

    /// Anything that could forge a log field, break a header or bloat every line gets a fresh id instead.
    @Test func othersAreRefused() {
        for id in [nil, "", String(repeating: "a", count: 129), "a b", "a\"b", "a\nb", "a=b", "é", "a/b", "{}"] {
            #expect(RequestID.sanitized(clientHeader: id) == nil)
        }
    }

    @Test func generatedIdsHaveThePrefixAndLength() {
        let id = RequestID.request()
        #expect(id.hasPrefix("req_") && id.count == 24)
        #expect(RequestID.sanitized(clientHeader: id) == id)
    }

    /// Every character from the alphanumeric alphabet, and (over many draws) every one of them turns up.
    @Test func randomRunsAreAlphanumericAndCoverTheAlphabet() {
        var seen = Set<Character>()
        for count in [0, 1, 7, 8, 9, 29, 64] {
            let run = RequestID.random(count: count)
            #expect(run.utf8.count == count)
            #expect(run.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
        }
        #expect(RequestID.alphabet.utf8CodeUnitCount == RequestID.letterCount)
        for _ in 0..<200 { seen.formUnion(RequestID.random(count: 29)) }
        #expect(seen.count == 62)
        #expect(RequestID.chatCompletion().hasPrefix("chatcmpl-") && RequestID.chatCompletion().count == 38)
    }

    /// The prefix and the random part share one String: each id is its prefix, then only alphanumerics.
    @Test func prefixedIdsAreThePrefixThenAlphanumerics() {
        for (id, prefix, count) in [
            (RequestID.chatCompletion(), "chatcmpl-", 29), (RequestID.completion(), "cmpl-", 29),
            (RequestID.request(), "req_", 20),
        ] {
            #expect(id.hasPrefix(prefix))
            #expect(id.utf8.count == prefix.utf8.count + count)
            #expect(id.dropFirst(prefix.count).allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
        }
        #expect(RequestID.chatCompletion() != RequestID.chatCompletion())
    }

    /// Each letter turns up about equally often: expected 4,000 each over 248,000 letters, give or take 63 (one
    /// standard deviation). The bounds are over 6 of them wide, yet a biased mapping, such as `% 62` over all 256
    /// byte values, puts eight letters near 4,840.
    @Test func lettersAreRoughlyUniform() {
        var counts: [UInt8: Int] = [:]
        for _ in 0..<4000 {
            for letter in RequestID.random(count: 62).utf8 { counts[letter, default: 0] += 1 }
        }
        #expect(counts.count == 62)
        #expect(counts.values.allSatisfy { (3600...4400).contains($0) }, "\(counts.sorted { $0.value < $1.value })")
    }

    /// The last of a word's ten letters (the tenth base-62 digit, where a precision error would show first) is as
    /// uniform as the first: expected 200 each over 12,400 draws, give or take 14.
    @Test func everyPositionOfAWordIsRoughlyUniform() {
        var first: [UInt8: Int] = [:]
        var last: [UInt8: Int] = [:]
        for _ in 0..<12_400 {
            let letters = Array(RequestID.random(count: RequestID.lettersPerWord).utf8)
            first[letters[0], default: 0] += 1
            last[letters[RequestID.lettersPerWord - 1], default: 0] += 1
        }
        for counts in [first, last] {
            #expect(counts.count == 62)
            #expect(counts.values.allSatisfy { (120...280).contains($0) }, "\(counts.sorted { $0.value < $1.value })")
        }
    }
}
