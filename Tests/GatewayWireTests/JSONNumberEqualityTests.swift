import Testing

@testable import GatewayWire

@Suite("JSONValue number equality")
struct JSONNumberEqualityTests {
    @Test(arguments: [
        ("1", "1.0"), ("1", "10e-1"), ("1", "0.1e1"), ("100", "1e2"), ("100", "1E+2"), ("0", "-0"), ("0", "0.000e5"),
        ("-2.50", "-25e-1"), ("1e400", "10e399"),
        ("123456789012345678901234567890", "1.2345678901234567890123456789e29"),
    ])
    func equalValuesAreEqual(a: String, b: String) {
        #expect(JSONValue.number(a) == .number(b))
        #expect(JSONValue.number(b) == .number(a))
    }

    @Test(arguments: [
        // Through Double these were equal: both infinity, or both rounded to the same double.
        ("1e400", "2e400"), ("9007199254740993", "9007199254740992"), ("0.30000000000000001", "0.3"),
        ("1", "-1"), ("1", "1e-400"), ("1e-400", "0"),
    ])
    func differentValuesDiffer(a: String, b: String) {
        #expect(JSONValue.number(a) != .number(b))
    }

    @Test func anExponentBeyondIntIsComparedAsText() {
        #expect(JSONValue.number("1e99999999999999999999") == .number("1e99999999999999999999"))
        #expect(JSONValue.number("1e99999999999999999999") != .number("2e99999999999999999999"))
        #expect(JSONNumberValue("1e99999999999999999999") == nil)
        #expect(JSONNumberValue("01x") == nil)
    }
}
