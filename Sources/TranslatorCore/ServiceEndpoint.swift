import FoundationEssentials
import GatewayWire

/// Where one AWS service is reached: scheme, host, port and a base path (from `AWS_ENDPOINT_URL*`).
package struct ServiceEndpoint: Equatable, Sendable {
    package var scheme: String
    package var host: String
    package var port: Int?
    package var basePath: String

    package init(scheme: String, host: String, port: Int? = nil, basePath: String = "") {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.basePath = basePath
    }

    /// Parses `scheme://host[:port][/path]`, IPv6 hosts in brackets; nil for anything else.
    package init?(url: String) {
        let trimmed = url.trimmed(of: " \t")
        guard let schemeEnd = trimmed.firstRange(of: "://") else { return nil }
        let scheme = trimmed[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        var rest = trimmed[schemeEnd.upperBound...]
        var path = ""
        if let slash = rest.firstIndex(of: "/") {
            path = String(rest[slash...])
            rest = rest[..<slash]
        }
        var host = String(rest)
        var port: Int?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let after = host[host.index(after: close)...]
            if after.hasPrefix(":") {
                guard let p = Int(after.dropFirst()), (1...65535).contains(p) else { return nil }
                port = p
            } else if !after.isEmpty {
                return nil
            }
            host = String(host[...close])
        } else if let colon = host.lastIndex(of: ":") {
            guard let p = Int(host[host.index(after: colon)...]), (1...65535).contains(p) else { return nil }
            port = p
            host = String(host[..<colon])
        }
        // A query or fragment has no meaning in an endpoint base, and a malformed host would only fail later, in curl.
        guard Self.isValidHost(host), !path.contains("?"), !path.contains("#") else { return nil }
        while path.hasSuffix("/") { path.removeLast() }
        self.init(scheme: scheme, host: host.lowercased(), port: port, basePath: path)
    }

    /// A DNS name or IPv4 literal (letters, digits, `-`, `.`, `_`), or an IPv6 literal in brackets.
    static func isValidHost(_ host: String) -> Bool {
        if host.hasPrefix("[") {
            let inner = host.dropFirst().dropLast()
            return host.hasSuffix("]") && inner.contains(":")
                && inner.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
        }
        return !host.isEmpty && host.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || "-._".contains($0) }
    }

    /// The `Host` header value: the port only when it is not the scheme's default, as SigV4 signers expect.
    package var hostHeader: String {
        guard let port, !(scheme == "https" && port == 443), !(scheme == "http" && port == 80) else { return host }
        var value = host
        value += ":"
        value += String(port)
        return value
    }

    /// Appended piece by piece into one reserved string: every request builds its URL here, and the
    /// interpolation made an intermediate string for each piece.
    package func url(path: String, query: String = "") -> String {
        let host = hostHeader
        var url = ""
        url.reserveCapacity(
            scheme.utf8.count + 3 + host.utf8.count + basePath.utf8.count + path.utf8.count + query.utf8.count + 1)
        url += scheme
        url += "://"
        url += host
        url += basePath
        url += path
        if !query.isEmpty {
            url += "?"
            url += query
        }
        return url
    }

    package func requestPath(_ path: String) -> String { basePath + path }
}
