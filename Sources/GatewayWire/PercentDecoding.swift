/// Percent-decoding of one request-target path segment (RFC 3986 section 2.1), as both HTTP servers
/// (the shim's `/v1/models/{id}`, the emulator's `/endpoints/{name}`) need it and Foundation's
/// `removingPercentEncoding` is not in FoundationEssentials.
package enum PercentDecoding {
    /// The decoded segment, or nil when a `%` is not followed by two hex digits or the decoded bytes
    /// are not UTF-8 (the same inputs Foundation's `removingPercentEncoding` refuses). `+` stays `+`:
    /// that is form encoding, not path encoding.
    package static func decode(_ segment: some StringProtocol) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(segment.utf8.count)
        var rest = segment.utf8[...]
        while let byte = rest.popFirst() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = rest.popFirst().flatMap(hexValue), let low = rest.popFirst().flatMap(hexValue) else {
                return nil
            }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
