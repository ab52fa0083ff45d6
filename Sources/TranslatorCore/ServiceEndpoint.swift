import FoundationEssentials
import GatewayWire

/// Where one AWS service is reached: scheme, host, port and a base path (from `AWS_ENDPOINT_URL*`).
package struct ServiceEndpoint: Equatable, Sendable {
    package var scheme: String { didSet { derive() } }
    package var host: String { didSet { derive() } }
    package var port: Int? { didSet { derive() } }
    package var basePath: String { didSet { derive() } }

    /// The `Host` header value: the port only when it is not the scheme's default, as SigV4 signers expect.
    /// Worked out once, with `origin`, whenever a part changes: every request signs one and sends to the other.
    package private(set) var hostHeader = ""
    /// `scheme://hostHeader` followed by `basePath`: every URL of the endpoint starts with it.
    private var urlPrefix = ""

    package init(scheme: String, host: String, port: Int? = nil, basePath: String = "") {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.basePath = basePath
        derive()
    }

    private mutating func derive() {
        if let port, !(scheme == "https" && port == 443), !(scheme == "http" && port == 80) {
            hostHeader = host + ":" + String(port)
        } else {
            hostHeader = host
        }
        urlPrefix = scheme + "://" + hostHeader + basePath
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

    package func url(path: String, query: String = "") -> String {
        query.isEmpty ? urlPrefix + path : urlPrefix + path + "?" + query
    }

    package func requestPath(_ path: String) -> String { basePath + path }
}
