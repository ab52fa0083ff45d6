import Testing

@testable import TranslatorCore

@Suite("RecentGrants")
struct RecentGrantsTests {
    @Test func findsOnlyTheExactKey() {
        var recent = RecentGrants()
        recent.remember("sk-abc", APIKeyGrant(name: "a", fingerprint: "1"))
        #expect(recent.grant(for: "sk-abc")?.name == "a")
        for other in ["sk-ab", "sk-abcd", "sk-abd", "", "SK-ABC", "sk-ab\u{0}"] {
            #expect(recent.grant(for: other) == nil, "\(other)")
        }
    }

    @Test func keepsTheLastFewKeys() {
        var recent = RecentGrants()
        for index in 0...RecentGrants.capacity { recent.remember("key-\(index)", APIKeyGrant(name: "\(index)")) }
        // The oldest made room for the newest; the rest are all still there.
        #expect(recent.grant(for: "key-0") == nil)
        for index in 1...RecentGrants.capacity { #expect(recent.grant(for: "key-\(index)")?.name == "\(index)") }
        recent.removeAll()
        #expect(recent.grant(for: "key-1") == nil)
    }

    @Test func neverRemembersAnEmptyKey() {
        var recent = RecentGrants()
        recent.remember("", APIKeyGrant(name: "empty"))
        #expect(recent.grant(for: "") == nil)
    }

    @Test func readsKeysThatAreNotContiguousUTF8() {
        var recent = RecentGrants()
        recent.remember("clé-é", APIKeyGrant(name: "bridged"))
        let spelled = String(decoding: Array("clé-é".utf8), as: UTF8.self)
        #expect(recent.grant(for: spelled)?.name == "bridged")
        #expect(recent.grant(for: String("clé-é".reversed()))?.name == nil)
    }
}
