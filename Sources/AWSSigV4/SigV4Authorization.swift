/// The parts of an `AWS4-HMAC-SHA256` Authorization header:
/// `AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=…`
/// See https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#add-signature-to-request
package struct SigV4Authorization: Sendable, Equatable {
    package var accessKeyId: String
    package var dateStamp: String
    package var region: String
    package var service: String
    /// The scope's last element; always `aws4_request` in a valid header.
    package var terminator: String
    package var signedHeaders: [String]
    package var signature: String

    package init(
        accessKeyId: String, dateStamp: String, region: String, service: String, terminator: String = "aws4_request",
        signedHeaders: [String], signature: String
    ) {
        self.accessKeyId = accessKeyId
        self.dateStamp = dateStamp
        self.region = region
        self.service = service
        self.terminator = terminator
        self.signedHeaders = signedHeaders
        self.signature = signature
    }

    /// Parses a header value; the error's message says which part is wrong (never echoing the signature).
    package static func parse(_ header: String) -> Result<SigV4Authorization, SigV4VerificationError> {
        let prefix = SigV4Signer.algorithm + " "
        guard header.hasPrefix(prefix) else {
            return .failure(.malformedAuthorization("algorithm must be \(SigV4Signer.algorithm)"))
        }
        var fields: [String: String] = [:]
        for part in header.dropFirst(prefix.count).split(separator: ",") {
            let item = part.drop { $0 == " " }
            guard let equals = item.firstIndex(of: "=") else {
                return .failure(.malformedAuthorization("component without '='"))
            }
            let key = String(item[..<equals])
            guard fields[key] == nil else { return .failure(.malformedAuthorization("\(key) given twice")) }
            fields[key] = String(item[item.index(after: equals)...]).trimmingTrailingSpaces()
        }
        return parse(
            credential: fields["Credential"], signedHeaders: fields["SignedHeaders"], signature: fields["Signature"])
    }

    /// Checks the three parts wherever they were carried: the Authorization header, or a presigned URL's
    /// `X-Amz-Credential`, `X-Amz-SignedHeaders` and `X-Amz-Signature` (already percent-decoded).
    package static func parse(
        credential: String?, signedHeaders: String?, signature: String?
    ) -> Result<SigV4Authorization, SigV4VerificationError> {
        guard let credential else { return .failure(.malformedAuthorization("missing Credential")) }
        guard let signedHeaders, !signedHeaders.isEmpty else {
            return .failure(.malformedAuthorization("missing SignedHeaders"))
        }
        guard let signature else { return .failure(.malformedAuthorization("missing Signature")) }
        guard Hex.isSHA256(signature) else {
            return .failure(.malformedAuthorization("Signature must be 64 lowercase hex digits"))
        }
        let scope = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard scope.count == 5, scope.allSatisfy({ !$0.isEmpty }) else {
            return .failure(.malformedAuthorization("Credential must be AKID/date/region/service/aws4_request"))
        }
        let names = signedHeaders.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        guard names.allSatisfy({ !$0.isEmpty && $0 == $0.lowercased() }) else {
            return .failure(.malformedAuthorization("SignedHeaders must be lowercase names separated by ';'"))
        }
        return .success(
            SigV4Authorization(
                accessKeyId: scope[0], dateStamp: scope[1], region: scope[2], service: scope[3],
                terminator: scope[4], signedHeaders: names, signature: signature))
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var result = Substring(self)
        while result.last == " " { result = result.dropLast() }
        return String(result)
    }
}
