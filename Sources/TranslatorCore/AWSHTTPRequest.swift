import AWSSigV4
import FoundationEssentials

/// A request to an AWS service, ready to sign and hand to curl.
package struct AWSHTTPRequest: Sendable {
    package var method: String
    package var endpoint: ServiceEndpoint
    /// Path below the endpoint's base path, already percent-encoded.
    package var path: String
    package var headers: [(name: String, value: String)]
    package var body: [UInt8]

    package init(
        method: String, endpoint: ServiceEndpoint, path: String, headers: [(name: String, value: String)], body: [UInt8]
    ) {
        self.method = method
        self.endpoint = endpoint
        self.path = path
        self.headers = headers
        self.body = body
    }

    package var url: String { endpoint.url(path: path) }

    /// The headers `signed` adds: `host`, and at most three of the signature's (token, date, authorization).
    /// A request built to be signed reserves this much room beyond its own headers.
    package static let signingRoom = 4

    /// Adds `host` and the SigV4 headers (session token included) for `service` in `region`.
    ///
    /// Consuming: the signed request is this one with its headers replaced, not a copy of every field (the
    /// endpoint alone is five strings) made only for the unsigned one to be destroyed next.
    package consuming func signed(credentials: AWSCredentials, region: String, service: AWSService, at date: Date)
        -> AWSHTTPRequest
    {
        // The request's own header array, `host` inserted first and the signature's headers (token, date,
        // authorization) appended in place: with room for the four (`signingRoom`) it is never copied or grown.
        var request = SigV4Request(
            method: method, path: endpoint.requestPath(path), query: "", headers: headers, body: body)
        headers = []
        request.headers.reserveCapacity(request.headers.count + Self.signingRoom)
        request.headers.insert((name: "host", value: endpoint.hostHeader), at: 0)
        SigV4Signer(credentials: credentials, region: region, service: service.signingName).sign(&request, at: date)
        headers = request.headers
        return self
    }
}

/// Percent-encodes one path segment with RFC 3986's unreserved set, as the SDKs' REST serialisers do.
package func percentEncodePathSegment(_ segment: String) -> String {
    // Endpoint names are nearly always unreserved already: no new string. Otherwise built as bytes, since a
    // String grown a scalar at a time cost more than the rest of building the request.
    let unreserved =
        segment.utf8.withContiguousStorageIfAvailable { $0.allSatisfy(isUnreserved) }
        ?? segment.utf8.allSatisfy(isUnreserved)
    guard !unreserved else { return segment }
    let hex = Array("0123456789ABCDEF".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(segment.utf8.count * 3)
    for byte in segment.utf8 {
        if isUnreserved(byte) {
            out.append(byte)
        } else {
            out.append(UInt8(ascii: "%"))
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0xF)])
        }
    }
    return String(decoding: out, as: UTF8.self)
}

private func isUnreserved(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"),
        UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
        return true
    default:
        return false
    }
}
