/// The exact value of a JSON number literal, for `JSONValue ==`: `1`, `1.0`, `10e-1` and `0.1e1` are one
/// number, while `1e400` and `2e400` (both infinity as `Double`) or `9007199254740993` and
/// `9007199254740992` (one `Double`) are not. The value is `0.d₁d₂d₃… × 10^exponent`.
struct JSONNumberValue: Equatable {
    var negative: Bool
    /// Significant digits (ASCII), without leading or trailing zeros; empty for zero.
    var digits: [UInt8]
    var exponent: Int

    /// Nil for text outside RFC 8259's number grammar, or an exponent beyond `Int`.
    init?(_ literal: String) {
        var rest = Array(literal.utf8)[...]
        negative = rest.first == UInt8(ascii: "-")
        if negative { rest = rest.dropFirst() }
        let isDigit = { (byte: UInt8) in byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        let integer = rest.prefix(while: isDigit)
        guard !integer.isEmpty else { return nil }
        rest = rest.dropFirst(integer.count)
        var fraction: ArraySlice<UInt8> = []
        if rest.first == UInt8(ascii: ".") {
            fraction = rest.dropFirst().prefix(while: isDigit)
            guard !fraction.isEmpty else { return nil }
            rest = rest.dropFirst(1 + fraction.count)
        }
        var written = 0
        if let e = rest.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            rest = rest.dropFirst()
            let sign = rest.first
            if sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { rest = rest.dropFirst() }
            guard !rest.isEmpty, rest.allSatisfy(isDigit), let magnitude = Int(String(decoding: rest, as: UTF8.self))
            else { return nil }
            written = sign == UInt8(ascii: "-") ? -magnitude : magnitude
            rest = []
        }
        guard rest.isEmpty else { return nil }
        var all = Array(integer) + fraction
        let leadingZeros = all.prefix(while: { $0 == UInt8(ascii: "0") }).count
        all.removeFirst(leadingZeros)
        while all.last == UInt8(ascii: "0") { all.removeLast() }
        guard !all.isEmpty else {
            // Zero, whatever its sign or exponent.
            (negative, digits, exponent) = (false, [], 0)
            return
        }
        let (shifted, overflow) = written.addingReportingOverflow(integer.count - leadingZeros)
        guard !overflow else { return nil }
        digits = all
        exponent = shifted
    }
}
