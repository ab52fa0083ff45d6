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

/// The translator keeps a chat's messages as the frame's bytes: the request it reads is the one the shim sent,
/// and writing it again gives the same frame, whichever way the messages were spelled.
@Test func chatMessagesReadFromAFrameAreTheOnesSent() throws {
    var random = EventWireTests.Random(state: 3)
    for _ in 0..<300 {
        let messages = (0..<random.below(4)).map { _ in random.json() }
        let chat = ChatRequest(
            model: "m", messages: messages, stream: random.below(2) == 0, includeUsage: false,
            parameters: [("temperature", .number("0.50"))])
        let request = GatewayRequest(requestId: "r", apiKey: "k", operation: .chatCompletion(chat))
        let frame = request.frame()
        let decoded = try GatewayRequest(frame: frame)
        #expect(decoded == request)
        #expect(decoded.frame().payload == frame.payload)
        guard case .chatCompletion(let read) = decoded.operation else {
            Issue.record("not a chat")
            return
        }
        var written: [UInt8] = []
        read.writeMessages(into: &written)
        #expect(written == JSONWriter.bytes(.array(messages)))
    }
}

@Test func chatMessagesSpelledAnotherWayAreReadAsValues() throws {
    let payloads = [
        #"{"id":"r","op":"chat","model":"m","messages":[ {"role":"user","content":"\u00e9\/"} ],"stream":false,"include_usage":false,"parameters":{}}"#,
        #"{"id":"r","op":"chat","model":"m","messages":[{"role":"user","content":"é/"}],"messages":[{"role":"user","content":"\u00e9\/"} ],"stream":false,"include_usage":false,"parameters":{}}"#,
        #"{"id":"r","op":"chat","model":"m","messages":[1],"messages":[{"role":"user","content":"é/"}],"stream":false,"include_usage":false,"parameters":{}}"#,
    ]
    let expected: [JSONValue] = [.object([("role", .string("user")), ("content", .string("é/"))])]
    for payload in payloads {
        let request = try GatewayRequest(frame: Frame(kind: .request, payload: Array(payload.utf8)))
        guard case .chatCompletion(let chat) = request.operation else {
            Issue.record("not a chat")
            return
        }
        #expect(chat.messages == expected)
        var written: [UInt8] = []
        chat.writeMessages(into: &written)
        #expect(String(decoding: written, as: UTF8.self) == #"[{"role":"user","content":"é/"}]"#)
    }
}

@Test func chatMessagesMustStillBeAnArray() {
    for messages in [#""x""#, "{}", "null", "1", #""\u00e9""#] {
        let payload =
            #"{"id":"r","op":"chat","model":"m","messages":"# + messages
            + #","stream":false,"include_usage":false,"parameters":{}}"#
        #expect(throws: FrameError.self) {
            try GatewayRequest(frame: Frame(kind: .request, payload: Array(payload.utf8)))
        }
    }
}

@Test func aMessagesMemberInAnotherOperationIsIgnoredAsBefore() throws {
    let payload = #"{"id":"r","op":"model","model":"m","messages":[1]}"#
    let request = try GatewayRequest(frame: Frame(kind: .request, payload: Array(payload.utf8)))
    #expect(request.operation == .retrieveModel(id: "m"))
}
