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
}
