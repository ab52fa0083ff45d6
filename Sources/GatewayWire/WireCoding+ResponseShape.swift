// The `accepted` frame's payload: empty for the default shape, so a shim that predates it (and ignores the
// payload) and every non-chat exchange see exactly the bytes they always did.

extension ResponseShape {
    var wire: [UInt8] {
        guard reasoningField != .reasoningContent else { return [] }
        return JSONWriter.bytes(.object([("reasoning_field", .string(reasoningField.rawValue))]))
    }

    /// Lenient on purpose: a payload this version cannot read, or a field name from a newer peer, means the
    /// default shape; the answer still reaches the client.
    init(wire payload: [UInt8]) {
        self.init()
        guard !payload.isEmpty, let json = try? JSONParser.parse(payload),
            let name = json["reasoning_field"]?.stringValue, let field = ReasoningField(rawValue: name)
        else { return }
        reasoningField = field
    }
}
