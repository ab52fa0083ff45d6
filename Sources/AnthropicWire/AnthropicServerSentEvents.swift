import GatewayWire

/// Anthropic's SSE framing: every event named, `event: <type>\ndata: <json>\n\n`, the name equal to the
/// payload's `type`. https://docs.anthropic.com/en/docs/build-with-claude/streaming#event-types
package enum AnthropicServerSentEvents {
    package static func event(_ name: String, _ payload: JSONValue) -> [UInt8] {
        var out = Array("event: \(name)\ndata: ".utf8)
        JSONWriter.write(payload, into: &out)
        out.append(contentsOf: [0x0A, 0x0A])
        return out
    }

    /// Anthropic's keep-alive is an event, not a comment; the SDKs skip it.
    package static let ping: [UInt8] = event("ping", .object([("type", .string("ping"))]))

    package static func error(_ error: GatewayError) -> [UInt8] {
        event("error", AnthropicErrorMapper.object(for: error))
    }
}
