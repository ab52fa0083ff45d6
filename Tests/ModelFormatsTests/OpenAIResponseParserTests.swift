import GatewayWire
import Testing

@testable import ModelFormats

@Test func completionBodyBecomesEvents() throws {
    let body = #"""
        {"id":"x","object":"chat.completion","created":1,"model":"m","choices":[
          {"index":0,"message":{"role":"assistant","reasoning_content":"why","content":"héllo 🚀","tool_calls":[
            {"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}},
            {"id":"call_2","type":"function","function":{"name":"g","arguments":{"b":2}}}]},
           "logprobs":null,"finish_reason":"tool_calls"}],
         "usage":{"prompt_tokens":4,"completion_tokens":6,"total_tokens":10}}
        """#
    let events = try OpenAIResponseParser.events(from: Array(body.utf8)).get()
    #expect(
        events == [
            .reasoning(choice: 0, text: "why"), .content(choice: 0, text: "héllo 🚀"),
            .toolCall(choice: 0, ToolCallDelta(index: 0, id: "call_1", name: "f", arguments: "{\"a\":1}")),
            .toolCall(choice: 0, ToolCallDelta(index: 1, id: "call_2", name: "g", arguments: "{\"b\":2}")),
            .finish(choice: 0, reason: "tool_calls"), .usage(Usage(promptTokens: 4, completionTokens: 6)),
        ])
}

@Test func errorBodiesAndGarbage() {
    let vllm = #"{"object":"error","message":"model x does not exist","type":"NotFoundError","param":null,"code":404}"#
    #expect(
        OpenAIResponseParser.events(from: Array(vllm.utf8))
            == .failure(GatewayError(.upstreamModelError, "model x does not exist (code 404)")))
    let openAI = #"{"error":{"message":"bad","type":"invalid_request_error","param":null,"code":null}}"#
    #expect(OpenAIResponseParser.events(from: Array(openAI.utf8)) == .failure(GatewayError(.upstreamModelError, "bad")))
    guard case .failure(let e) = OpenAIResponseParser.events(from: Array("Internal Server Error".utf8)) else {
        Issue.record("expected failure")
        return
    }
    #expect(e.kind == .upstreamFailure)
    guard case .failure(let noChoices) = OpenAIResponseParser.events(from: Array("{}".utf8)) else {
        Issue.record("expected failure")
        return
    }
    #expect(noChoices.kind == .upstreamFailure)
}

@Test func nativeGeneratedTextIsAccepted() throws {
    #expect(
        try OpenAIResponseParser.events(from: Array(#"{"generated_text":"hi"}"#.utf8)).get()
            == [.content(choice: 0, text: "hi"), .finish(choice: 0, reason: "stop")])
}
