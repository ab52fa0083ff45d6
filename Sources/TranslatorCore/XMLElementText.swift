/// Just enough XML for STS's query-protocol answers: the text of the first element reached by a path of
/// element names, each searched inside the previous one's content. STS answers are small, unprefixed and
/// attribute-free apart from `xmlns`, so a full parser would buy nothing but surface.
/// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
package enum XMLElementText {
    /// The decoded text content of `path` (for example `["AssumeRoleWithWebIdentityResult", "Credentials",
    /// "AccessKeyId"]`), or nil when an element on the path is missing or malformed.
    package static func find(_ path: [String], in document: String) -> String? {
        var scope = Substring(document)
        for name in path {
            guard let content = firstContent(of: name, in: scope) else { return nil }
            scope = content
        }
        return decodeEntities(scope)
    }

    /// The content between `<name ...>` and its `</name>`; `<name/>` has empty content.
    private static func firstContent(of name: String, in text: Substring) -> Substring? {
        var search = text.startIndex
        while let open = text[search...].firstRange(of: "<" + name) {
            let after = open.upperBound
            guard after < text.endIndex else { return nil }
            let next = text[after]
            // `<Credentials` must not match `<CredentialsExtra`.
            guard next == ">" || next == "/" || next == " " || next == "\t" || next == "\n" || next == "\r" else {
                search = after
                continue
            }
            guard let tagEnd = text[after...].firstIndex(of: ">") else { return nil }
            if text[text.index(before: tagEnd)] == "/" { return text[tagEnd..<tagEnd] }
            let contentStart = text.index(after: tagEnd)
            guard let close = text[contentStart...].firstRange(of: "</" + name + ">") else { return nil }
            return text[contentStart..<close.lowerBound]
        }
        return nil
    }

    /// The five predefined entities, numeric character references and CDATA sections.
    static func decodeEntities(_ text: Substring) -> String {
        var out = ""
        var rest = text
        while let amp = rest.firstIndex(where: { $0 == "&" || $0 == "<" }) {
            out += rest[..<amp]
            rest = rest[amp...]
            if rest.hasPrefix("<![CDATA["), let end = rest.firstRange(of: "]]>") {
                out += rest[rest.index(rest.startIndex, offsetBy: 9)..<end.lowerBound]
                rest = rest[end.upperBound...]
                continue
            }
            guard rest.first == "&", let semi = rest.firstIndex(of: ";"), rest.distance(from: amp, to: semi) <= 10
            else {
                out.append(rest.removeFirst())
                continue
            }
            let entity = rest[rest.index(after: amp)..<semi]
            var replacement: String?
            switch entity {
            case "amp": replacement = "&"
            case "lt": replacement = "<"
            case "gt": replacement = ">"
            case "quot": replacement = "\""
            case "apos": replacement = "'"
            default:
                if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                    replacement = UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map {
                        String(Character($0))
                    }
                } else if entity.hasPrefix("#") {
                    replacement = UInt32(entity.dropFirst()).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
                }
            }
            if let replacement {
                out += replacement
                rest = rest[rest.index(after: semi)...]
            } else {
                out.append(rest.removeFirst())
            }
        }
        out += rest
        return out
    }
}
