/// The second line of the canonical request: the request path, normalised and encoded.
///
/// For every service but S3 the path is normalised (RFC 3986 dot segments removed, runs of `/` collapsed) and
/// then URI-encoded once more, so the wire path `/a%20b` is signed as `/a%2520b`. That matches botocore, which
/// quotes the path once on the wire and again in the canonical request. S3 signs the wire path as it is.
/// See https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#create-canonical-request
package enum CanonicalURI {
    package static func make(path: String, normalize: Bool, doubleEncode: Bool) -> String {
        var result = path.isEmpty ? "/" : path
        if normalize, !isNormal(result) { result = removeDotSegments(result) }
        if doubleEncode { result = URIEncoding.encode(result, keepSlash: true) }
        return result.isEmpty ? "/" : result
    }

    /// True when `removeDotSegments` would return `path` unchanged: no empty inner segment (`//`) and no `.` or
    /// `..` segment. Every path the gateway signs is, so it skips rebuilding the path from its segments.
    package static func isNormal(_ path: String) -> Bool {
        path.withUTF8Bytes(isNormal)
    }

    private static func isNormal(_ path: UnsafeBufferPointer<UInt8>) -> Bool {
        var length = 0
        var dotsOnly = true
        var position = 0
        for byte in path {
            if byte == UInt8(ascii: "/") {
                // A segment just ended: empty is fine only before a leading slash; `.` and `..` never are.
                if length == 0 ? position != 0 : dotsOnly && length <= 2 { return false }
                length = 0
                dotsOnly = true
            } else {
                length += 1
                if byte != UInt8(ascii: ".") { dotsOnly = false }
            }
            position += 1
        }
        return length == 0 || !dotsOnly || length > 2
    }

    /// RFC 3986 section 5.2.4, plus dropping empty segments (AWS services treat `//` as `/`).
    /// Like botocore's `remove_dot_segments`, a trailing `/` survives only when the input ended with one and
    /// some segment is left: `/a/b/..` gives `/a`, `/a/..` gives `/`.
    package static func removeDotSegments(_ path: String) -> String {
        guard !path.isEmpty else { return "" }
        var output: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": if !output.isEmpty { output.removeLast() }
            default: output.append(segment)
            }
        }
        let first = path.hasPrefix("/") ? "/" : ""
        let last = path.hasSuffix("/") && !output.isEmpty ? "/" : ""
        return first + output.joined(separator: "/") + last
    }
}
