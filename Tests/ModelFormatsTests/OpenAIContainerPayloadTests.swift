import GatewayWire
import Testing

@testable import ModelFormats

@Test func payloadUsesContainerModelParametersAndAsksForUsageWhenStreaming() {
    let request = ChatRequest(
        model: "client-alias", messages: [.object([("role", .string("user")), ("content", .string("héllo"))])],
        stream: true,
        includeUsage: false, parameters: [("temperature", .number("0.70")), ("top_k", .number("40"))])
    #expect(
        String(decoding: OpenAIContainerPayload.body(for: request, containerModel: "meta/llama"), as: UTF8.self)
            == #"{"model":"meta/llama","messages":[{"role":"user","content":"héllo"}],"temperature":0.70,"top_k":40,"stream":true,"stream_options":{"include_usage":true}}"#
    )
}

@Test func payloadWithoutContainerModelSendsEmptyModelAndNoStreamOptions() {
    let request = ChatRequest(
        model: "client-alias", messages: [.object([("role", .string("user")), ("content", .string("hi"))])],
        stream: false,
        includeUsage: false, parameters: [("model", .string("sneaky")), ("max_tokens", .number("5"))])
    #expect(
        String(decoding: OpenAIContainerPayload.body(for: request, containerModel: nil), as: UTF8.self)
            == #"{"model":"","messages":[{"role":"user","content":"hi"}],"max_tokens":5,"stream":false}"#)
}

/// The body is written member by member; these are the bytes the `JSONValue` object wrote.
@Test func payloadMatchesTheJSONValueEncoding() {
    let messageSets: [[JSONValue]] = [
        [],
        [.object([("role", .string("user")), ("content", .string("h\"é\\llo\n\u{01}🚀"))])],
        [
            .object([("role", .string("system")), ("content", .null)]),
            .object([("role", .string("user")), ("content", .array([.number("1e-7"), .bool(false)]))]),
        ],
    ]
    let parameterSets: [[(String, JSONValue)]] = [
        [],
        [("temperature", .number("0.70")), ("stop", .array([.string("\u{7f}x")])), ("top_k", .number("-0"))],
        [("model", .string("m")), ("messages", .array([])), ("stream", .bool(true)), ("n", .number("2"))],
        [("stream_options", .object([])), ("tools", .object([("k\"", .null)])), ("model", .null)],
    ]
    for messages in messageSets {
        for parameters in parameterSets {
            for stream in [false, true] {
                for containerModel in [nil, "", "meta/llama\u{0}"] {
                    let request = ChatRequest(
                        model: "alias", messages: messages, stream: stream, includeUsage: !stream,
                        parameters: parameters)
                    let own: Set<String> = ["model", "messages", "stream", "stream_options"]
                    var members: [(String, JSONValue)] = [
                        ("model", .string(containerModel ?? "")), ("messages", .array(messages)),
                    ]
                    members += parameters.filter { !own.contains($0.0) }
                    members.append(("stream", .bool(stream)))
                    if stream { members.append(("stream_options", .object([("include_usage", .bool(true))]))) }
                    #expect(
                        OpenAIContainerPayload.body(for: request, containerModel: containerModel)
                            == JSONWriter.bytes(.object(members)))
                    // Asking for the other mode gives the body of the request changed to it.
                    var other = request
                    other.stream = !stream
                    #expect(
                        OpenAIContainerPayload.body(for: request, containerModel: containerModel, stream: !stream)
                            == OpenAIContainerPayload.body(for: other, containerModel: containerModel))
                }
            }
        }
    }
}
