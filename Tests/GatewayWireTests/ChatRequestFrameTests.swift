import Testing

@testable import GatewayWire

/// The chat request frame is written member by member; these are the bytes the `JSONValue` path wrote.
@Test func chatRequestFrameMatchesTheJSONValueEncoding() throws {
    let messages: [JSONValue] = [
        .object([("role", .string("system")), ("content", .string("be \"brief\"\n\u{01}"))]),
        .object([
            ("role", .string("user")),
            ("content", .array([.object([("type", .string("text")), ("text", .string("héllo 🚀"))])])),
        ]),
    ]
    let parameterSets: [[(String, JSONValue)]] = [
        [],
        [("temperature", .number("0.5")), ("top_k", .int(3)), ("stop", .array([.string("x"), .null]))],
    ]
    for parameters in parameterSets {
        for (stream, includeUsage) in [(false, false), (true, true), (true, false)] {
            for apiKey in [nil, "sk-\"k\""] {
                let chat = ChatRequest(
                    model: "m\\odel", messages: messages, stream: stream, includeUsage: includeUsage,
                    parameters: parameters)
                var members: [(String, JSONValue)] = [("id", .string("req-1"))]
                if let apiKey { members.append(("key", .string(apiKey))) }
                members += [
                    ("op", .string("chat")), ("model", .string(chat.model)), ("messages", .array(messages)),
                    ("stream", .bool(stream)), ("include_usage", .bool(includeUsage)),
                    ("parameters", .object(parameters)),
                ]
                let request = GatewayRequest(requestId: "req-1", apiKey: apiKey, operation: .chatCompletion(chat))
                let frame = request.frame()
                #expect(frame.payload == JSONWriter.bytes(.object(members)))
                #expect(try GatewayRequest(frame: frame) == request)
            }
        }
    }
}

/// The shim writes the payload after a frame header already in its buffer: the same bytes as `frame()`.
@Test func requestPayloadAppendsToWhatIsAlreadyThere() {
    let chat = ChatRequest(model: "m", messages: [.string("x")], stream: false, includeUsage: false, parameters: [])
    for operation: GatewayRequest.Operation in [.chatCompletion(chat), .listModels, .retrieveModel(id: "m/1"), .health]
    {
        let request = GatewayRequest(requestId: "req-1", apiKey: "k", operation: operation)
        var out: [UInt8] = [1, 2, 3]
        request.writePayload(into: &out)
        #expect(out == [1, 2, 3] + request.frame().payload)
    }
}
