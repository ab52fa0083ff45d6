import Testing

@testable import AWSSigV4

/// The quick test for headers left unsigned answers as the set does, for its names and for names near them.
@Test func unsignedByDefaultMatchesTheSet() {
    var names = Array(CanonicalHeaders.unsignedByDefault)
    names += [
        "accept", "expectx", "expec", "host", "user-agents", "x-amzn-trace-i", "x-amz-date", "content-type",
        "authorizatioN", "transfer-encodinG", "", "é", "x-amzn-trace-id ", "user\u{2010}agent",
    ]
    for name in names {
        #expect(
            CanonicalHeaders.isUnsignedByDefault(name) == CanonicalHeaders.unsignedByDefault.contains(name), "\(name)")
    }
}
