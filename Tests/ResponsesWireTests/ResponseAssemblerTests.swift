import GatewayWire
import Testing

@testable import ResponsesWire

@Test func assembledResponseEchoesTheRequestAndHoldsEveryItem() throws {
    let body = #"""
        {"model":"alias","input":"x","instructions":"Be brief.","tools":[{"type":"function","name":"f"}],
         "tool_choice":"required","parallel_tool_calls":false,"temperature":0.2,"top_p":0.9,"max_output_tokens":50,
         "text":{"format":{"type":"json_object"}},"metadata":{"k":"v"},"user":"u","reasoning":{"effort":"low"}}
        """#
    let request = try ResponsesRequestValidator.validate(Array(body.utf8)).get()
    var assembler = ResponseAssembler(
        response: ResponseObject(id: "resp_z", createdAt: 10, model: "alias", echo: request.echo),
        promptTokenEstimate: 4)
    for event: ModelEvent in [
        .reasoning(choice: 0, text: "think"), .content(choice: 0, text: "{}"),
        .toolCall(choice: 0, ToolCallDelta(index: 0, id: "c", name: "f", arguments: "{}")),
        .usage(Usage(promptTokens: 7, completionTokens: 3)),
    ] {
        assembler.add(event)
    }
    let expected =
        #"{"id":"resp_z","object":"response","created_at":10,"status":"completed","background":false,"completed_at":11,"error":null,"incomplete_details":null,"instructions":"Be brief.","max_output_tokens":50,"max_tool_calls":null,"model":"alias","output":["#
        + #"{"id":"rs_z_0","type":"reasoning","summary":[],"content":[{"type":"reasoning_text","text":"think"}],"status":"completed"},"#
        + #"{"id":"msg_z_1","type":"message","status":"completed","content":[{"type":"output_text","annotations":[],"logprobs":[],"text":"{}"}],"role":"assistant"},"#
        + #"{"id":"fc_z_2","type":"function_call","status":"completed","arguments":"{}","call_id":"c","name":"f"}],"#
        + #""parallel_tool_calls":false,"previous_response_id":null,"reasoning":{"effort":"low"},"store":false,"temperature":0.2,"text":{"format":{"type":"json_object"}},"tool_choice":"required","#
        + #""tools":[{"type":"function","name":"f","parameters":null,"strict":null}],"top_p":0.9,"truncation":"disabled","#
        + #""usage":{"input_tokens":7,"input_tokens_details":{"cached_tokens":0,"cache_write_tokens":0},"output_tokens":3,"output_tokens_details":{"reasoning_tokens":1},"total_tokens":10},"#
        + #""user":"u","metadata":{"k":"v"}}"#
    #expect(String(decoding: assembler.bytes(completedAt: 11), as: UTF8.self) == expected)
    // Rendering leaves the assembler as it was.
    #expect(assembler.bytes(completedAt: 11) == assembler.bytes(completedAt: 11))
}

@Test func emptyAnswerIsACompletedResponseWithNoOutput() {
    let assembler = ResponseAssembler(
        response: ResponseObject(id: "resp_e", createdAt: 1, model: "m", echo: ResponseEcho()), promptTokenEstimate: 2)
    let json = assembler.json(completedAt: 2)
    #expect(json["status"] == .string("completed"))
    #expect(json["output"] == .array([]))
    #expect(json["usage"]?["output_tokens"] == .int(0))
}

@Test func cutByTheTokenLimitIsIncomplete() {
    var assembler = ResponseAssembler(
        response: ResponseObject(id: "resp_i", createdAt: 1, model: "m", echo: ResponseEcho()), promptTokenEstimate: 2)
    assembler.add(.content(choice: 0, text: "partial"))
    assembler.add(.finish(choice: 0, reason: "length"))
    let json = assembler.json(completedAt: 2)
    #expect(json["status"] == .string("incomplete"))
    #expect(json["completed_at"] == .null)
    #expect(json["incomplete_details"] == .object([("reason", .string("max_output_tokens"))]))
    #expect(json["output"]?.arrayValue?.first?["status"] == .string("incomplete"))
}

@Test func responseIDsAreRespAndFortyEightAlphanumerics() {
    let id = ResponseObject.makeID()
    #expect(id.hasPrefix("resp_") && id.count == 53)
    #expect(id.dropFirst(5).allSatisfy { $0.isLetter || $0.isNumber })
}
