import WordScan

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
        var block: [UInt8] = []
        var list: [UInt8] = []
        appendBlock(sortedEntries(headers), names: normalizedList(signedHeaders), to: &block, signedList: &list)
        return String(decoding: block, as: UTF8.self)
    }

    /// A header with its name and value normalised, and its place on the request.
    struct Entry {
        var name: String
        var value: String
        var position: Int
    }

    /// `headers` normalised once and sorted by name; equal names keep the request's order (their values are
    /// signed in the order they are sent).
    static func sortedEntries(_ headers: [(name: String, value: String)]) -> [Entry] {
        var entries: [Entry] = []
        entries.reserveCapacity(headers.count)
        for header in headers {
            entries.append(
                Entry(name: normalizedName(header.name), value: normalizedValue(header.value), position: entries.count))
        }
        sort(&entries)
        return entries
    }

    static func sort(_ entries: inout [Entry]) {
        entries.sort {
            $0.name == $1.name ? $0.position < $1.position : $0.name.utf8.lexicographicallyPrecedes($1.name.utf8)
        }
    }

    /// The canonical headers block (`name:v1,v2\n` per signed name) appended to `block`, and the signed-headers
    /// list (`a;b`) to `signedList`: the one builder behind `sign` and the stage methods.
    ///
    /// `entries` come from `sortedEntries`. `names` (normalised, distinct, sorted, as `normalizedList` gives)
    /// are the headers to sign, a name without a header on the request signed with no value; nil means every
    /// name on the request but the empty one and `unsignedByDefault`.
    static func appendBlock(_ entries: [Entry], names: [String]?, to block: inout [UInt8], signedList: inout [UInt8]) {
        guard let names else {
            // Read in place, by index: iterating copied each entry (two strings retained and released), and
            // remembering the previous name retained it again.
            entries.withUnsafeBufferPointer { entries in
                var previous: Int?
                for index in entries.indices {
                    let name = entries[index].name
                    guard !name.isEmpty, !isUnsignedByDefault(name) else { continue }
                    if let previous, entries[previous].name == name {
                        block.append(UInt8(ascii: ","))
                    } else {
                        if previous != nil {
                            block.append(0x0A)
                            signedList.append(UInt8(ascii: ";"))
                        }
                        signedList.appendUTF8(name)
                        block.appendUTF8(name)
                        block.append(UInt8(ascii: ":"))
                    }
                    previous = index
                    block.appendUTF8(entries[index].value)
                }
                if previous != nil { block.append(0x0A) }
            }
            return
        }
        // Both sorted by the same order: one walk matches each name with its run of entries.
        var index = entries.startIndex
        for (offset, name) in names.enumerated() {
            if offset > 0 { signedList.append(UInt8(ascii: ";")) }
            signedList.appendUTF8(name)
            block.appendUTF8(name)
            block.append(UInt8(ascii: ":"))
            while index < entries.endIndex, entries[index].name.utf8.lexicographicallyPrecedes(name.utf8) {
                index += 1
            }
            var first = true
            while index < entries.endIndex, entries[index].name == name {
                if !first { block.append(UInt8(ascii: ",")) }
                block.appendUTF8(entries[index].value)
                first = false
                index += 1
            }
            block.append(0x0A)
        }
    }

    /// `unsignedByDefault.contains`, without hashing the name, and compared with the one name of its length
    /// (comparing with all five was most of writing the block). Exact: no other spelling of these lowercase
    /// ASCII names is canonically equivalent to them, so a name of another length never equals one.
    static func isUnsignedByDefault(_ name: String) -> Bool {
        switch name.utf8.count {
        case 6: return name == "expect"
        case 10: return name == "user-agent"
        case 13: return name == "authorization"
        case 15: return name == "x-amzn-trace-id"
        case 17: return name == "transfer-encoding"
        default: return false
        }
    }

    /// The signed-headers list as it appears in the canonical request and the Authorization header.
    package static func normalizedList(_ names: [String]) -> [String] {
        Set(names.map(normalizedName)).filter { !$0.isEmpty }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    static func normalizedName(_ name: String) -> String {
        // Nearly every name is already lowercase ASCII without spaces; those need no new string.
        let plain = name.withUTF8Bytes { bytes in
            !bytes.contains { (0x41...0x5A).contains($0) || $0 >= 0x80 || isWhitespace($0) }
        }
        return plain ? name : trimmed(name).lowercased()
    }

    /// Leading and trailing whitespace removed and every inner run of whitespace (including the line breaks
    /// of an obsolete folded header) replaced by one space.
    package static func normalizedValue(_ value: String) -> String {
        if !value.withUTF8Bytes(holdsWhitespace) { return value }
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

    /// Eight bytes at a time while no byte is below 0x21 (the four whitespace bytes are), then byte by byte from
    /// the first word that has one. A session token (about a thousand characters, on every request signed with
    /// temporary credentials) has none: byte by byte alone cost some 6 instructions a byte of it.
    static func holdsWhitespace(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let from =
            bytes.count >= 8
            ? ByteWords.firstFlagged(UnsafeRawBufferPointer(bytes)) { ByteWords.flagsBelow($0, 0x21) != 0 } : 0
        return bytes[from...].contains(where: isWhitespace)
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
            || byte == UInt8(ascii: "\r")
    }
}
