import GatewayWire
import Testing

@testable import ResponsesWire

private let response = ResponseObject(id: "resp_1", createdAt: 1_700_000_000, model: "alias", echo: ResponseEcho())

/// The `response` object's members in OpenAI's order, around `status`, `output`, `usage` and friends.
private func object(
    status: String, output: String = "[]", usage: String? = nil, completedAt: String = "null",
    error: String = "null", incomplete: String = "null"
) -> String {
    #"{"id":"resp_1","object":"response","created_at":1700000000,"status":"\#(status)","background":false,"completed_at":\#(completedAt),"error":\#(error),"incomplete_details":\#(incomplete),"instructions":null,"max_output_tokens":null,"max_tool_calls":null,"model":"alias","output":\#(output),"parallel_tool_calls":true,"previous_response_id":null,"reasoning":null,"store":false,"temperature":null,"text":{"format":{"type":"text"}},"tool_choice":"auto","tools":[],"top_p":null,"truncation":"disabled",\#(usage.map { #""usage":\#($0),"# } ?? "")"metadata":{}}"#
}

private func usage(input: Int, output: Int, reasoning: Int = 0) -> String {
    #"{"input_tokens":\#(input),"input_tokens_details":{"cached_tokens":0,"cache_write_tokens":0},"output_tokens":\#(output),"output_tokens_details":{"reasoning_tokens":\#(reasoning)},"total_tokens":\#(input + output)}"#
}

/// One SSE event: `event:` names its type, `data:` holds it with `sequence_number` last.
private func event(_ type: String, _ fields: String, _ sequence: Int) -> String {
    "event: \(type)\ndata: {\"type\":\"\(type)\",\(fields),\"sequence_number\":\(sequence)}\n\n"
}

private let opening =
    event("response.created", #""response":\#(object(status: "in_progress"))"#, 0)
    + event("response.in_progress", #""response":\#(object(status: "in_progress"))"#, 1)

private func render(_ events: [ModelEvent], promptEstimate: Int = 0) -> String {
    var stream = ResponseEventStream(response: response, promptTokenEstimate: promptEstimate)
    var out = stream.start() + stream.start()
    for e in events { out += stream.render(e) }
    out += stream.finish(completedAt: 1_700_000_001)
    out += stream.finish(completedAt: 1_700_000_002)
    return String(decoding: out, as: UTF8.self)
}

private let message0 =
    #"{"id":"msg_1_0","type":"message","status":"completed","content":[{"type":"output_text","annotations":[],"logprobs":[],"text":"héllo 🚀"}],"role":"assistant"}"#
private let emptyText = #"{"type":"output_text","annotations":[],"logprobs":[],"text":""}"#

@Test func textStreamInTheDocumentedOrder() {
    let out = render(
        [
            .content(choice: 0, text: "héllo"), .content(choice: 0, text: ""), .content(choice: 0, text: " 🚀"),
            .finish(choice: 0, reason: "stop"), .usage(Usage(promptTokens: 5, completionTokens: 2)),
        ])
    let text = #""item_id":"msg_1_0","output_index":0,"content_index":0"#
    let expected =
        opening
        + event(
            "response.output_item.added",
            #""output_index":0,"item":{"id":"msg_1_0","type":"message","status":"in_progress","content":[],"role":"assistant"}"#,
            2)
        + event("response.content_part.added", text + #","part":\#(emptyText)"#, 3)
        + event("response.output_text.delta", text + #","delta":"héllo","logprobs":[]"#, 4)
        + event("response.output_text.delta", text + #","delta":" 🚀","logprobs":[]"#, 5)
        + event("response.output_text.done", text + #","text":"héllo 🚀","logprobs":[]"#, 6)
        + event(
            "response.content_part.done",
            text + #","part":{"type":"output_text","annotations":[],"logprobs":[],"text":"héllo 🚀"}"#, 7)
        + event("response.output_item.done", #""output_index":0,"item":\#(message0)"#, 8)
        + event(
            "response.completed",
            #""response":\#(object(status: "completed", output: "[\(message0)]", usage: usage(input: 5, output: 2), completedAt: "1700000001"))"#,
            9)
    #expect(out == expected)
}

@Test func reasoningThenToolCallsEachBecomeAnItem() {
    let out = render(
        [
            .reasoning(choice: 0, text: "hm"),
            .toolCall(choice: 0, ToolCallDelta(index: 0, id: "call_a", name: "f", arguments: "")),
            .toolCall(choice: 0, ToolCallDelta(index: 0, arguments: "{\"x\":")),
            .toolCall(choice: 0, ToolCallDelta(index: 0, arguments: "1}")),
            .toolCall(choice: 0, ToolCallDelta(index: 1, name: "g", arguments: "{}")),
            .content(choice: 1, text: "other choices are not read"),
            .finish(choice: 0, reason: "tool_calls"),
        ], promptEstimate: 9)
    let rs = #""item_id":"rs_1_0","output_index":0"#
    let reasoningDone =
        #"{"id":"rs_1_0","type":"reasoning","summary":[],"content":[{"type":"reasoning_text","text":"hm"}],"status":"completed"}"#
    let callA =
        #"{"id":"fc_1_1","type":"function_call","status":"completed","arguments":"{\"x\":1}","call_id":"call_a","name":"f"}"#
    let callB =
        #"{"id":"fc_1_2","type":"function_call","status":"completed","arguments":"{}","call_id":"call_1_1","name":"g"}"#
    let expected =
        opening
        + event(
            "response.output_item.added",
            #""output_index":0,"item":{"id":"rs_1_0","type":"reasoning","summary":[],"content":[],"status":"in_progress"}"#,
            2)
        + event(
            "response.content_part.added", rs + #","content_index":0,"part":{"type":"reasoning_text","text":""}"#, 3)
        + event("response.reasoning_text.delta", rs + #","content_index":0,"delta":"hm""#, 4)
        + event("response.reasoning_text.done", rs + #","content_index":0,"text":"hm""#, 5)
        + event(
            "response.content_part.done", rs + #","content_index":0,"part":{"type":"reasoning_text","text":"hm"}"#, 6)
        + event("response.output_item.done", #""output_index":0,"item":\#(reasoningDone)"#, 7)
        + event(
            "response.output_item.added",
            #""output_index":1,"item":{"id":"fc_1_1","type":"function_call","status":"in_progress","arguments":"","call_id":"call_a","name":"f"}"#,
            8)
        + event("response.function_call_arguments.delta", #""item_id":"fc_1_1","output_index":1,"delta":"{\"x\":""#, 9)
        + event("response.function_call_arguments.delta", #""item_id":"fc_1_1","output_index":1,"delta":"1}""#, 10)
        + event(
            "response.function_call_arguments.done",
            #""item_id":"fc_1_1","output_index":1,"name":"f","arguments":"{\"x\":1}""#, 11)
        + event("response.output_item.done", #""output_index":1,"item":\#(callA)"#, 12)
        + event(
            "response.output_item.added",
            #""output_index":2,"item":{"id":"fc_1_2","type":"function_call","status":"in_progress","arguments":"","call_id":"call_1_1","name":"g"}"#,
            13)
        + event("response.function_call_arguments.delta", #""item_id":"fc_1_2","output_index":2,"delta":"{}""#, 14)
        + event(
            "response.function_call_arguments.done",
            #""item_id":"fc_1_2","output_index":2,"name":"g","arguments":"{}""#,
            15)
        + event("response.output_item.done", #""output_index":2,"item":\#(callB)"#, 16)
        + event(
            "response.completed",
            #""response":\#(object(status: "completed", output: "[\(reasoningDone),\(callA),\(callB)]", usage: usage(input: 9, output: 5, reasoning: 1), completedAt: "1700000001"))"#,
            17)
    #expect(out == expected)
}

@Test func tokenLimitEndsWithResponseIncomplete() {
    let out = render([.content(choice: 0, text: "cut"), .finish(choice: 0, reason: "length")], promptEstimate: 3)
    let item =
        #"{"id":"msg_1_0","type":"message","status":"incomplete","content":[{"type":"output_text","annotations":[],"logprobs":[],"text":"cut"}],"role":"assistant"}"#
    #expect(out.contains(event("response.output_item.done", #""output_index":0,"item":\#(item)"#, 7)))
    let final = object(
        status: "incomplete", output: "[\(item)]", usage: usage(input: 3, output: 1),
        incomplete: #"{"reason":"max_output_tokens"}"#)
    #expect(out.hasSuffix(event("response.incomplete", #""response":\#(final)"#, 8)))
    #expect(!out.contains("response.completed"))
}

@Test func errorAfterTheStartIsAnErrorEventThenResponseFailed() {
    var stream = ResponseEventStream(response: response, promptTokenEstimate: 2)
    var out = stream.render(.content(choice: 0, text: "a"))
    out += stream.fail(GatewayError(.modelStreamError, "The model stopped."))
    out += stream.render(.content(choice: 0, text: "b"))
    out += stream.finish(completedAt: 0)
    let text = String(decoding: out, as: UTF8.self)
    let partial = #"{"id":"msg_1_0","type":"message","status":"in_progress","content":[],"role":"assistant"}"#
    let expected =
        event("error", #""code":"model_error","message":"The model stopped.","param":null"#, 5)
        + event(
            "response.failed",
            #""response":\#(object(status: "failed", output: "[\(partial)]", usage: usage(input: 2, output: 1), error: #"{"code":"server_error","message":"The model stopped."}"#))"#,
            6)
    #expect(text.hasPrefix(opening))
    #expect(text.hasSuffix(expected))
}

@Test func failingBeforeAnyEventStillOpensTheResponse() {
    var stream = ResponseEventStream(response: response, promptTokenEstimate: 0)
    let text = String(decoding: stream.fail(GatewayError(.throttled, "Slow down.")), as: UTF8.self)
    #expect(text.hasPrefix(opening))
    #expect(text.contains(#""code":"rate_limit_exceeded","message":"Slow down.""#))
}
