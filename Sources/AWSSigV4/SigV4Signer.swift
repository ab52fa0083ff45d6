import Crypto

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Signs requests with AWS Signature Version 4 (`AWS4-HMAC-SHA256`), in the Authorization header.
///
/// A value type holding the credentials and scope; every documented stage is a method of its own so each can be
/// tested against the AWS test suite:
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
package struct SigV4Signer: Sendable {
    package static let algorithm = "AWS4-HMAC-SHA256"

    package var credentials: AWSCredentials
    package var region: String
    package var service: String
    /// Remove dot segments and collapse `//` in the canonical path (every service but S3).
    package var normalizePath: Bool
    /// URI-encode the wire path once more in the canonical path (every service but S3).
    package var doubleURIEncode: Bool

    /// - Parameters:
    ///   - normalizePath: false only for S3.
    ///   - doubleURIEncode: defaults to `normalizePath`, since S3 is the one service that turns both off; the AWS
    ///     test suite's `*-unnormalized` cases turn only normalisation off.
    package init(
        credentials: AWSCredentials,
        region: String,
        service: String,
        normalizePath: Bool = true,
        doubleURIEncode: Bool? = nil
    ) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.normalizePath = normalizePath
        self.doubleURIEncode = doubleURIEncode ?? normalizePath
    }

    // MARK: - Whole request

    /// Returns the headers to add to `request` for it to be signed, in this order: `X-Amz-Security-Token` (when the
    /// credentials carry a session token), `X-Amz-Date`, `x-amz-content-sha256` (only when `includeContentSHA256`),
    /// `Authorization`.
    ///
    /// The request must already carry `host`. Every header on it is signed except those in
    /// `CanonicalHeaders.unsignedByDefault`; headers it already has with the names above are ignored, so replace
    /// them rather than append. With `signSecurityToken: false` the token is sent but left out of the signature,
    /// which a few older services expect (the suite's `post-sts-header-after`).
    package func sign(
        _ request: SigV4Request,
        at date: Date,
        includeContentSHA256: Bool = false,
        signSecurityToken: Bool = true
    ) -> [(name: String, value: String)] {
        var signed = request
        let start = signed.headers.count
        sign(&signed, at: date, includeContentSHA256: includeContentSHA256, signSecurityToken: signSecurityToken)
        return Array(signed.headers[start...])
    }

    /// `sign(_:at:includeContentSHA256:signSecurityToken:)`'s headers appended to `request`'s own, in the same
    /// order: the request as it is sent, without the intermediate arrays (the added headers, the returned ones,
    /// the request's headers joined with them) that each cost an allocation and a retain per string.
    package func sign(
        _ request: inout SigV4Request,
        at date: Date,
        includeContentSHA256: Bool = false,
        signSecurityToken: Bool = true
    ) {
        // The date rendered once and every header normalised once: the stage methods below share these
        // builders, but composing them would redo both, which the profile showed as a sixth of a request.
        let time = AMZDate.rendering(date)
        let payloadHash = includeContentSHA256 ? Hex.sha256(request.body) : nil

        // The request's own headers read first: the added ones go after them on the same array.
        let added = (credentials.sessionToken == nil ? 1 : 2) + (payloadHash == nil ? 0 : 1)
        var entries: [CanonicalHeaders.Entry] = []
        entries.reserveCapacity(request.headers.count + added)
        var contentHash: String?
        for header in request.headers {
            let name = CanonicalHeaders.normalizedName(header.name)
            if Self.replacedByAdded(name, includeContentSHA256: includeContentSHA256) { continue }
            // The length first: only an ASCII name of that length lowercases to it, and `lowercased()` makes a
            // new string for every header it is asked about.
            if contentHash == nil, header.name.utf8.count == 20, header.name.lowercased() == "x-amz-content-sha256" {
                contentHash = header.value
            }
            entries.append(
                .init(name: name, value: CanonicalHeaders.normalizedValue(header.value), position: entries.count))
        }

        // The token goes first even when unsigned, matching the suite's signed requests.
        request.headers.reserveCapacity(request.headers.count + added + 1)
        if let token = credentials.sessionToken {
            request.headers.append(("X-Amz-Security-Token", token))
            if signSecurityToken { entries.append(Self.addedEntry("x-amz-security-token", token, at: entries.count)) }
        }
        request.headers.append(("X-Amz-Date", time.amzDate))
        entries.append(Self.addedEntry("x-amz-date", time.amzDate, at: entries.count))
        if let payloadHash {
            request.headers.append(("x-amz-content-sha256", payloadHash))
            entries.append(Self.addedEntry("x-amz-content-sha256", payloadHash, at: entries.count))
            if contentHash == nil { contentHash = payloadHash }
        }

        CanonicalHeaders.sort(&entries)
        let (canonical, signedHeaders) = canonicalRequestBytes(
            method: request.method, path: request.path, query: request.query, entries: entries, names: nil,
            payloadHash: contentHash.map(CanonicalHeaders.normalizedValue) ?? payloadHash, body: request.body)

        let mac = signingMAC(dateStamp: time.dateStamp)
        request.headers.append(
            (
                "Authorization",
                authorizationValue(
                    amzDate: time.amzDate, mac: mac, canonicalRequest: canonical,
                    signedHeaders: signedHeaders)
            ))
    }

    /// The Authorization value for `canonicalRequest`: the string to sign on the stack and the value written
    /// straight into the String's storage (`writeStringToSign`, `writeAuthorizationPrefix`, then the signature).
    /// Both lengths are known before a byte is written, and an array for each was an allocation.
    private func authorizationValue(
        amzDate: String, mac: SigningMAC, canonicalRequest: [UInt8], signedHeaders: [UInt8]
    ) -> String {
        let toBeSignedCount = stringToSignCount(amzDate: amzDate, scope: mac.scope)
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: toBeSignedCount) { stack in
            var toBeSigned = ByteWriter(stack)
            canonicalRequest.withUnsafeBytes {
                writeStringToSign(amzDate: amzDate, scope: mac.scope, canonicalRequest: $0, to: &toBeSigned)
            }
            let valueCount = authorizationPrefixCount(scope: mac.scope, signedHeaders: signedHeaders) + Hex.sha256Digits
            return String(unsafeUninitializedCapacity: valueCount) { storage in
                var value = ByteWriter(storage)
                writeAuthorizationPrefix(scope: mac.scope, signedHeaders: signedHeaders, to: &value)
                mac.writeHexCode(for: toBeSigned.written, to: &value)
                return value.count
            }
        }
    }

    /// A header `sign` adds, by its canonical (lowercase) name: theirs are spelled mixed case on the wire, and
    /// normalising them made a trimmed and lowercased copy per header per request.
    private static func addedEntry(_ canonicalName: String, _ value: String, at position: Int) -> CanonicalHeaders.Entry
    {
        .init(name: canonicalName, value: CanonicalHeaders.normalizedValue(value), position: position)
    }

    private static func replacedByAdded(_ normalizedName: String, includeContentSHA256: Bool) -> Bool {
        // Each of them starts with `a` or `x`: most names are told apart by their first byte.
        guard let first = normalizedName.utf8.first, first == UInt8(ascii: "a") || first == UInt8(ascii: "x")
        else { return false }
        switch normalizedName {
        case "authorization", "x-amz-date", "x-amz-security-token": return true
        case "x-amz-content-sha256": return includeContentSHA256
        default: return false
        }
    }

    // MARK: - Stages

    /// Task 1: the canonical request.
    ///
    /// `signedHeaders` nil means every header of the request but `CanonicalHeaders.unsignedByDefault`. The
    /// payload hash is the request's `x-amz-content-sha256` when it has one (S3's `UNSIGNED-PAYLOAD`, streaming),
    /// otherwise the SHA-256 of the body.
    package func canonicalRequest(_ request: SigV4Request, signedHeaders: [String]? = nil) -> String {
        let (canonical, _) = canonicalRequestBytes(
            method: request.method, path: request.path, query: request.query,
            entries: CanonicalHeaders.sortedEntries(request.headers),
            names: signedHeaders.map(CanonicalHeaders.normalizedList),
            payloadHash: request.value(of: "x-amz-content-sha256").map(CanonicalHeaders.normalizedValue),
            body: request.body)
        return String(decoding: canonical, as: UTF8.self)
    }

    /// `yyyymmdd/region/service/aws4_request`
    package func credentialScope(date: Date) -> String {
        String(decoding: credentialScopeBytes(dateStamp: AMZDate(date).dateStamp), as: UTF8.self)
    }

    /// Task 2: the string to sign.
    package func stringToSign(canonicalRequest: String, date: Date) -> String {
        let time = AMZDate(date)
        let bytes = stringToSignBytes(
            amzDate: time.amzDate, scope: credentialScopeBytes(dateStamp: time.dateStamp),
            canonicalRequest: Array(canonicalRequest.utf8))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Task 3, first half: the signing key, an HMAC chain over date, region, service and `aws4_request`.
    package func signingKey(date: Date) -> [UInt8] {
        signingKey(dateStamp: AMZDate(date).dateStamp)
    }

    package func signingKey(dateStamp: String) -> [UInt8] {
        signingMAC(dateStamp: dateStamp).key
    }

    /// The signing key, an HMAC already keyed with it (so a signature costs no key setup), and its scope.
    func signingMAC(dateStamp: String) -> SigningMAC {
        SigningKeyCache.shared.mac(
            secret: credentials.secretAccessKey, dateStamp: dateStamp, region: region, service: service
        ) {
            var key = Array(("AWS4" + credentials.secretAccessKey).utf8)
            for part in [dateStamp, region, service, "aws4_request"] {
                key = Self.hmac(key: key, Array(part.utf8))
            }
            return SigningMAC(key: key, scope: credentialScopeBytes(dateStamp: dateStamp))
        }
    }

    /// Task 3, second half: the hex HMAC of the string to sign under the signing key.
    package func signature(stringToSign: String, date: Date) -> String {
        var signature: [UInt8] = []
        signingMAC(dateStamp: AMZDate(date).dateStamp).appendHexCode(for: Array(stringToSign.utf8), to: &signature)
        return String(decoding: signature, as: UTF8.self)
    }

    /// Task 4: the Authorization header value.
    package func authorizationHeader(signedHeaders: [String], signature: String, date: Date) -> String {
        var list: [UInt8] = []
        for (offset, name) in CanonicalHeaders.normalizedList(signedHeaders).enumerated() {
            if offset > 0 { list.append(UInt8(ascii: ";")) }
            list.append(contentsOf: name.utf8)
        }
        var authorization = authorizationPrefix(
            scope: credentialScopeBytes(dateStamp: AMZDate(date).dateStamp), signedHeaders: list)
        authorization.append(contentsOf: signature.utf8)
        return String(decoding: authorization, as: UTF8.self)
    }

    // MARK: - Builders shared by `sign` and the stages

    // Built as bytes: String concatenation and interpolation here were a fifth of signing.

    /// The canonical request and its signed-headers list (`a;b`). `entries` as `CanonicalHeaders.sortedEntries`
    /// gives them, `names` as `CanonicalHeaders.appendBlock` takes them; `payloadHash` nil means the body's.
    func canonicalRequestBytes(
        method: String, path: String, query: String, entries: [CanonicalHeaders.Entry], names: [String]?,
        payloadHash: String?, body: [UInt8]
    ) -> (canonical: [UInt8], signedHeaders: [UInt8]) {
        var signedHeaders: [UInt8] = []
        signedHeaders.reserveCapacity(128)
        var canonical: [UInt8] = []
        canonical.reserveCapacity(512)
        canonical.appendUTF8(method.uppercased())
        canonical.append(0x0A)
        canonical.appendUTF8(CanonicalURI.make(path: path, normalize: normalizePath, doubleEncode: doubleURIEncode))
        canonical.append(0x0A)
        canonical.appendUTF8(CanonicalQuery.make(query))
        canonical.append(0x0A)
        CanonicalHeaders.appendBlock(entries, names: names, to: &canonical, signedList: &signedHeaders)
        canonical.append(0x0A)
        canonical.append(contentsOf: signedHeaders)
        canonical.append(0x0A)
        if let payloadHash {
            canonical.appendUTF8(payloadHash)
        } else {
            Hex.appendSHA256(of: body, to: &canonical)
        }
        return (canonical, signedHeaders)
    }

    /// `yyyymmdd/region/service/aws4_request`. `sign` takes it from the signing key's cache entry
    /// (`SigningMAC.scope`), since it writes it twice per request.
    func credentialScopeBytes(dateStamp: String) -> [UInt8] {
        var out: [UInt8] = []
        out.appendUTF8(dateStamp)
        out.append(UInt8(ascii: "/"))
        out.appendUTF8(region)
        out.append(UInt8(ascii: "/"))
        out.appendUTF8(service)
        out.appendUTF8("/aws4_request")
        return out
    }

    func stringToSignBytes(amzDate: String, scope: [UInt8], canonicalRequest: [UInt8]) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: stringToSignCount(amzDate: amzDate, scope: scope)) { storage, count in
            var out = ByteWriter(storage)
            canonicalRequest.withUnsafeBytes {
                writeStringToSign(amzDate: amzDate, scope: scope, canonicalRequest: $0, to: &out)
            }
            count = out.count
        }
    }

    /// The string to sign's length: `writeStringToSign` writes exactly this many bytes.
    func stringToSignCount(amzDate: String, scope: [UInt8]) -> Int {
        Self.algorithm.utf8.count + 1 + amzDate.utf8.count + 1 + scope.count + 1 + Hex.sha256Digits
    }

    /// Algorithm, date, scope and the canonical request's hex SHA-256, a line each.
    func writeStringToSign(
        amzDate: String, scope: [UInt8], canonicalRequest: UnsafeRawBufferPointer, to out: inout ByteWriter
    ) {
        out.write(Self.algorithm)
        out.write(0x0A)
        out.write(amzDate)
        out.write(0x0A)
        out.write(scope)
        out.write(0x0A)
        Hex.writeSHA256(of: canonicalRequest, to: &out)
    }

    /// The Authorization value up to and including `Signature=`; the caller appends the signature.
    func authorizationPrefix(scope: [UInt8], signedHeaders: [UInt8]) -> [UInt8] {
        let count = authorizationPrefixCount(scope: scope, signedHeaders: signedHeaders)
        return [UInt8](unsafeUninitializedCapacity: count) { storage, count in
            var out = ByteWriter(storage)
            writeAuthorizationPrefix(scope: scope, signedHeaders: signedHeaders, to: &out)
            count = out.count
        }
    }

    /// The prefix's length: `writeAuthorizationPrefix` writes exactly this many bytes.
    func authorizationPrefixCount(scope: [UInt8], signedHeaders: [UInt8]) -> Int {
        Self.algorithm.utf8.count + Self.credentialLabel.utf8CodeUnitCount + credentials.accessKeyId.utf8.count + 1
            + scope.count + Self.signedHeadersLabel.utf8CodeUnitCount + signedHeaders.count
            + Self.signatureLabel.utf8CodeUnitCount
    }

    func writeAuthorizationPrefix(scope: [UInt8], signedHeaders: [UInt8], to out: inout ByteWriter) {
        out.write(Self.algorithm)
        out.write(Self.credentialLabel)
        out.write(credentials.accessKeyId)
        out.write(UInt8(ascii: "/"))
        out.write(scope)
        out.write(Self.signedHeadersLabel)
        out.write(signedHeaders)
        out.write(Self.signatureLabel)
    }

    private static let credentialLabel: StaticString = " Credential="
    private static let signedHeadersLabel: StaticString = ", SignedHeaders="
    private static let signatureLabel: StaticString = ", Signature="

    /// The lowercase hex SHA-256 of a body, as signed and as sent in `x-amz-content-sha256`.
    package static func payloadHash(_ body: [UInt8]) -> String {
        Hex.sha256(body)
    }

    static func hmac(key: [UInt8], _ message: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }
}
