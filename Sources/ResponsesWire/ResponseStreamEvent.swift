import GatewayWire

/// One event of a streamed response, before the stream numbers it. Written as OpenAI writes them: an
/// SSE `event:` line naming the type, then `data:` with the JSON, `type` first and `sequence_number` last.
/// https://platform.openai.com/docs/api-reference/responses-streaming
package struct ResponseStreamEvent: Equatable, Sendable {
    package var type: String
    package var fields: [(String, JSONValue)]

    package init(_ type: String, _ fields: [(String, JSONValue)]) {
        self.type = type
        self.fields = fields
    }

    package static func == (lhs: ResponseStreamEvent, rhs: ResponseStreamEvent) -> Bool {
        lhs.type == rhs.type && JSONValue.object(lhs.fields) == .object(rhs.fields)
    }

    package func json(sequenceNumber: Int) -> JSONValue {
        .object([("type", .string(type))] + fields + [("sequence_number", .int(sequenceNumber))])
    }

    /// `event: <type>\ndata: <compact json>\n\n`; compact JSON has no raw newline, so one `data:` line.
    package func sse(sequenceNumber: Int) -> [UInt8] {
        var out = Array("event: \(type)\ndata: ".utf8)
        JSONWriter.write(json(sequenceNumber: sequenceNumber), into: &out)
        out.append(contentsOf: [0x0A, 0x0A])
        return out
    }
}
