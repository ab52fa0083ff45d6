import GatewayWire

/// The API key a client presented, as the shim forwards it for the translator to judge (the shim never
/// judges keys itself). Anything malformed counts as no key, which the translator answers with 401.
package enum ClientAPIKey {
    /// `Authorization: Bearer <key>`, the scheme case-insensitive (RFC 9110 section 11.1).
    package static func bearer(_ authorization: String?) -> String? {
        guard let authorization else { return nil }
        if let key = asciiBearer(authorization) { return key.isEmpty ? nil : key }
        let value = authorization.drop(while: { $0 == " " || $0 == "\t" })
        guard value.count > 7, value.prefix(7).lowercased() == "bearer " else { return nil }
        let token = value.dropFirst(7).trimmed(of: " \t")
        return token.isEmpty ? nil : token
    }

    /// `bearer` for the header's UTF-8 bytes where they lie (evhttp's copy of the request's header), so the
    /// common ASCII header makes a String of the key alone, not first one of the whole header too.
    package static func bearer(utf8 bytes: UnsafeBufferPointer<UInt8>?) -> String? {
        guard let bytes else { return nil }
        if let key = asciiBearer(bytes) { return key.isEmpty ? nil : key }
        return bearer(String(decoding: bytes, as: UTF8.self))
    }

    /// `bearer` for an all-ASCII header (every real one), on bytes: the Character-wise path below cost a
    /// few thousand instructions per request. nil when the header is not ASCII (the general path decides),
    /// "" when it is ASCII and holds no key.
    private static func asciiBearer(_ authorization: String) -> String? {
        var authorization = authorization
        return authorization.withUTF8 { asciiBearer($0) }
    }

    private static func asciiBearer(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        let isBlank = { (b: UInt8) in b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") }
        var start = 0
        while start < bytes.count, isBlank(bytes[start]) { start += 1 }
        // A `StaticString`: an array literal here was an allocation per request.
        let literal: StaticString = "bearer "
        let scheme = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        guard bytes.count - start > scheme.count else { return "" }
        for i in 0..<scheme.count {
            let b = bytes[start + i]
            let folded = b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") ? b | 0x20 : b
            guard folded == scheme[i] else { return "" }
        }
        start += scheme.count
        var end = bytes.count
        while start < end, isBlank(bytes[start]) { start += 1 }
        while start < end, isBlank(bytes[end - 1]) { end -= 1 }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }

    /// Anthropic's SDKs send the key as `x-api-key`; some clients send `Authorization: Bearer`. Either is
    /// the same gateway key; `x-api-key` wins when both are there.
    package static func anthropic(xAPIKey: String?, authorization: String?) -> String? {
        if let key = xAPIKey?.trimmed(of: " \t"), !key.isEmpty { return key }
        return bearer(authorization)
    }
}
