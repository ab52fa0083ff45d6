/// Reads a chat request frame laid out exactly as `GatewayRequest.writePayload` writes it (members in its order,
/// no whitespace, messages as `WrittenJSON` spells them), field by field, without building the frame's JSON
/// object: every chat request passes here, and the object, its member names and the lookups in it cost more
/// than the fields read. Strings and parameters are read by `JSONParser` itself, so what this returns is what
/// parsing the frame would give; any other layout is nil, and the frame is parsed as a whole.
enum ChatFrameReader {
    static func request(_ payload: [UInt8]) -> GatewayRequest? {
        payload.withUnsafeBufferPointer { bytes in
            var reader = Reader(bytes: bytes)
            guard let fields = reader.read() else { return nil }
            let chat = ChatRequest(
                model: fields.model, writtenMessages: payload[fields.messages], stream: fields.stream,
                includeUsage: fields.includeUsage, parameters: fields.parameters)
            return GatewayRequest(requestId: fields.id, apiKey: fields.key, operation: .chatCompletion(chat))
        }
    }

    private struct Fields {
        var id: String
        var key: String?
        var model: String
        var messages: Range<Int>
        var stream: Bool
        var includeUsage: Bool
        var parameters: [(String, JSONValue)]
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        mutating func read() -> Fields? {
            guard expect(#"{"id":"#), let id = string() else { return nil }
            var key: String?
            if expect(#","key":"#) {
                guard let value = string() else { return nil }
                key = value
            }
            guard expect(#","op":"chat","model":"#), let model = string(), expect(#","messages":"#),
                index < bytes.count, bytes[index] == UInt8(ascii: "["),
                // Depth 1: a member of the frame's object, as the parser would count it.
                let end = WrittenJSON.valueEnd(in: bytes, from: index, depth: 1)
            else { return nil }
            let messages = index..<end
            index = end
            guard expect(#","stream":"#), let stream = bool(), expect(#","include_usage":"#),
                let includeUsage = bool(), expect(#","parameters":"#), index < bytes.count,
                bytes[index] == UInt8(ascii: "{"),
                let parameters = (try? JSONParser.value(in: bytes, at: &index, depth: 1))?.objectValue,
                expect("}"), index == bytes.count
            else { return nil }
            return Fields(
                id: id, key: key, model: model, messages: messages, stream: stream, includeUsage: includeUsage,
                parameters: parameters)
        }

        /// Moves past `text` when the bytes at `index` are exactly it.
        mutating func expect(_ text: StaticString) -> Bool {
            guard bytes.hasBytes(of: text, at: index) else { return false }
            index += text.utf8CodeUnitCount
            return true
        }

        mutating func string() -> String? {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
            return try? JSONParser.string(in: bytes, at: &index)
        }

        mutating func bool() -> Bool? {
            if expect("true") { return true }
            if expect("false") { return false }
            return nil
        }
    }
}
