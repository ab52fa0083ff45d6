/// The third line of the canonical request: the query parameters, each name and value decoded from the wire
/// form and re-encoded with the unreserved set, sorted by encoded name and then by encoded value.
/// A parameter without `=` is signed with an empty value (`a` and `a=` sign the same).
/// See https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#create-canonical-request
package enum CanonicalQuery {
    package static func make(_ rawQuery: String) -> String {
        // Most signed requests have no query; the general path still costs a few allocations for nothing.
        if rawQuery.isEmpty { return "" }
        var pairs: [(name: String, value: String)] = []
        for piece in rawQuery.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let name: String
            let value: String
            if let equals = piece.firstIndex(of: UInt8(ascii: "=")) {
                name = URIEncoding.encode(URIEncoding.decode(piece[piece.startIndex..<equals]))
                value = URIEncoding.encode(URIEncoding.decode(piece[piece.index(after: equals)...]))
            } else {
                name = URIEncoding.encode(URIEncoding.decode(piece))
                value = ""
            }
            pairs.append((name, value))
        }
        // Encoded strings are ASCII, so comparing UTF-8 bytes is the byte order AWS asks for.
        pairs.sort { lhs, rhs in
            if lhs.name != rhs.name { return lhs.name.utf8.lexicographicallyPrecedes(rhs.name.utf8) }
            return lhs.value.utf8.lexicographicallyPrecedes(rhs.value.utf8)
        }
        return pairs.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    }
}
