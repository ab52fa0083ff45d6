import GatewayWire

/// The API key a client presented, as the shim forwards it for the translator to judge (the shim never
/// judges keys itself). Anything malformed counts as no key, which the translator answers with 401.
package enum ClientAPIKey {
    /// `Authorization: Bearer <key>`, the scheme case-insensitive (RFC 9110 section 11.1).
    package static func bearer(_ authorization: String?) -> String? {
        guard let authorization else { return nil }
        let value = authorization.drop(while: { $0 == " " || $0 == "\t" })
        guard value.count > 7, value.prefix(7).lowercased() == "bearer " else { return nil }
        let token = value.dropFirst(7).trimmed(of: " \t")
        return token.isEmpty ? nil : token
    }

    /// Anthropic's SDKs send the key as `x-api-key`; some clients send `Authorization: Bearer`. Either is
    /// the same gateway key; `x-api-key` wins when both are there.
    package static func anthropic(xAPIKey: String?, authorization: String?) -> String? {
        if let key = xAPIKey?.trimmed(of: " \t"), !key.isEmpty { return key }
        return bearer(authorization)
    }
}
