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
