import GatewayWire

/// The three SSE lines OpenAI's streams use.
/// https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
package enum ServerSentEvents {
    /// `data: <compact json>\n\n`. Compact JSON has no raw newlines, so one `data:` line always suffices.
    package static func data(_ value: JSONValue) -> [UInt8] {
        var out = Array("data: ".utf8)
        JSONWriter.write(value, into: &out)
        out.append(contentsOf: [0x0A, 0x0A])
        return out
    }

    package static let done: [UInt8] = Array("data: [DONE]\n\n".utf8)

    /// A comment line: ignored by clients, but it keeps idle-timing proxies (ALB: 60 s) from closing.
    package static let keepAlive: [UInt8] = Array(": keep-alive\n\n".utf8)
}
