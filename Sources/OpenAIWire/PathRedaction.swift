/// Clients sometimes put an API key in the URL (`/v1/sk-…/chat/completions`, a base URL with the key
/// pasted in). The path is echoed in a 404's message and written to the access log, so segments that
/// look like credentials are replaced first: an `sk-` prefix (OpenAI-style keys, and this gateway's
/// convention), or 40 or more characters of the alphabets random keys are drawn from.
package enum PathRedaction {
    package static let placeholder = "<redacted>"

    package static func redacted(_ path: String) -> String {
        guard path.utf8.count >= 4 else { return path }
        return path.split(separator: "/", omittingEmptySubsequences: false)
            .map { looksLikeCredential($0) ? placeholder : String($0) }
            .joined(separator: "/")
    }

    static func looksLikeCredential(_ segment: Substring) -> Bool {
        if segment.lowercased().hasPrefix("sk-") || segment.lowercased().hasPrefix("sk_") { return true }
        guard segment.utf8.count >= 40 else { return false }
        return segment.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "+"),
                UInt8(ascii: "="), UInt8(ascii: "%"):
                return true
            default:
                return false
            }
        }
    }
}
