/// The canonical headers block and the signed-headers list of the canonical request.
/// See https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#create-canonical-request
package enum CanonicalHeaders {
    /// Headers never signed by default, as botocore leaves them out: proxies and HTTP stacks add, drop or
    /// rewrite them after signing (`user-agent`, `expect`, `transfer-encoding`, `x-amzn-trace-id`), and the
    /// `authorization` header carries the signature itself.
    package static let unsignedByDefault: Set<String> = [
        "authorization", "expect", "transfer-encoding", "user-agent", "x-amzn-trace-id",
    ]

    /// Lowercased, de-duplicated, sorted names of every header on the request that is signed by default.
    package static func defaultSignedHeaders(_ headers: [(name: String, value: String)]) -> [String] {
        let names = Set(headers.map { normalizedName($0.name) }).subtracting(unsignedByDefault)
        return names.filter { !$0.isEmpty }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// `name:value\n` for each of `signedHeaders` (lowercase, sorted), values of repeated headers joined with
    /// `,` in the order they appear on the request.
    package static func block(_ headers: [(name: String, value: String)], signedHeaders: [String]) -> String {
        var valuesByName: [String: [String]] = [:]
        for header in headers {
            valuesByName[normalizedName(header.name), default: []].append(normalizedValue(header.value))
        }
        var block = ""
        for name in signedHeaders {
            block += name + ":" + (valuesByName[name] ?? []).joined(separator: ",") + "\n"
        }
        return block
    }

    /// The signed-headers list as it appears in the canonical request and the Authorization header.
    package static func normalizedList(_ names: [String]) -> [String] {
        Set(names.map(normalizedName)).filter { !$0.isEmpty }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    static func normalizedName(_ name: String) -> String {
        // Nearly every name is already lowercase ASCII without spaces; those need no new string.
        for byte in name.utf8 where (0x41...0x5A).contains(byte) || byte >= 0x80 || isWhitespace(byte) {
            return trimmed(name).lowercased()
        }
        return name
    }

    /// Leading and trailing whitespace removed and every inner run of whitespace (including the line breaks
    /// of an obsolete folded header) replaced by one space.
    package static func normalizedValue(_ value: String) -> String {
        if !value.utf8.contains(where: isWhitespace) { return value }
        var out: [UInt8] = []
        var pendingSpace = false
        for byte in value.utf8 {
            if isWhitespace(byte) {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(UInt8(ascii: " ")) }
                pendingSpace = false
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func trimmed(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard let start = bytes.firstIndex(where: { !isWhitespace($0) }),
            let end = bytes.lastIndex(where: { !isWhitespace($0) })
        else { return "" }
        return String(decoding: bytes[start...end], as: UTF8.self)
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
            || byte == UInt8(ascii: "\r")
    }
}
