/// Percent-encoding as SigV4 defines it: every byte except the RFC 3986 unreserved set
/// (`A-Z a-z 0-9 - . _ ~`) becomes `%XX` with uppercase hex.
///
/// See "URI-encode each parameter name and value" in
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#create-canonical-request
package enum URIEncoding {
    private static let upperHex = Array("0123456789ABCDEF".utf8)

    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// Encodes `bytes`; with `keepSlash` a `/` stays as is (for paths; botocore's `quote(path, safe='/~')`).
    package static func encode<Bytes: Sequence>(_ bytes: Bytes, keepSlash: Bool = false) -> String
    where Bytes.Element == UInt8 {
        var out: [UInt8] = []
        for byte in bytes {
            if isUnreserved(byte) || (keepSlash && byte == UInt8(ascii: "/")) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(upperHex[Int(byte >> 4)])
                out.append(upperHex[Int(byte & 0x0f)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    package static func encode(_ text: String, keepSlash: Bool = false) -> String {
        // A path or name with nothing to escape is the common case; it needs no new string.
        let plain = text.withUTF8Bytes { bytes in
            bytes.allSatisfy { isUnreserved($0) || (keepSlash && $0 == UInt8(ascii: "/")) }
        }
        if plain { return text }
        return encode(text.utf8, keepSlash: keepSlash)
    }

    /// Decodes `%XX` escapes to bytes. A `%` not followed by two hex digits is kept literally, and `+` is left
    /// alone: on the wire AWS treats a query's `+` as a plus sign, not a space.
    package static func decode<Bytes: Collection>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        let input = Array(bytes)
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            if input[index] == UInt8(ascii: "%"), index + 2 < input.count,
                let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2])
            {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(input[index])
                index += 1
            }
        }
        return out
    }

    /// A query parameter's name or value as text: `decode`d, invalid UTF-8 replaced (it can then match nothing).
    package static func decodeText(_ text: Substring) -> String {
        String(decoding: decode(text.utf8), as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
