import GatewayWire
import Testing

@testable import ResponsesWire

private func validate(_ body: String) -> Result<ResponsesRequest, GatewayError> {
    ResponsesRequestValidator.validate(Array(body.utf8))
}

private func chat(_ body: String) throws -> ChatRequest {
    try validate(body).get().chat
}

private func json(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8)) }

@Test func stringInputIsOneUserMessageAfterTheInstructions() throws {
    let request = try validate(#"{"model":"m","input":"hi","instructions":"Be brief.","stream":true}"#).get()
    #expect(request.chat.model == "m")
    #expect(request.chat.stream && request.chat.includeUsage)
    #expect(
        request.chat.messages == [
            try json(#"{"role":"system","content":"Be brief."}"#), try json(#"{"role":"user","content":"hi"}"#),
        ])
    #expect(request.echo.instructions == .string("Be brief."))
}

@Test func messageItemsPartsAndRolesMapOntoChat() throws {
    let request = try chat(
        #"""
        {"model":"m","input":[
          {"role":"developer","content":"Answer in French."},
          {"type":"message","role":"user","content":[{"type":"input_text","text":"What is this?"},
            {"type":"input_image","image_url":"data:image/png;base64,AA==","detail":"low"}]},
          {"type":"message","role":"assistant","content":[{"type":"output_text","text":"Un chat.","annotations":[]}]},
          {"role":"system","content":[{"type":"input_text","text":"Short."}]}
        ]}
        """#)
    #expect(
        request.messages == [
            try json(#"{"role":"developer","content":"Answer in French."}"#),
            try json(
                #"{"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AA==","detail":"low"}}]}"#
            ),
            try json(#"{"role":"assistant","content":"Un chat."}"#),
            try json(#"{"role":"system","content":[{"type":"text","text":"Short."}]}"#),
        ])
}

@Test func functionCallsJoinTheAssistantTurnAndOutputsBecomeToolMessages() throws {
    let request = try chat(
        #"""
        {"model":"m","input":[
          {"role":"user","content":"weather?"},
          {"type":"reasoning","id":"rs_1","summary":[]},
          {"type":"message","role":"assistant","content":[{"type":"output_text","text":""}]},
          {"type":"function_call","call_id":"c1","name":"get_weather","arguments":"{\"city\":\"Oslo\"}"},
          {"type":"function_call","call_id":"c2","name":"get_time","arguments":"{}","id":"fc_2","status":"completed"},
          {"type":"function_call_output","call_id":"c1","output":"12C"},
          {"type":"function_call_output","call_id":"c2","output":[{"type":"input_text","text":"noon"}]}
        ]}
        """#)
    #expect(
        request.messages == [
            try json(#"{"role":"user","content":"weather?"}"#),
            try json(
                #"{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Oslo\"}"}},{"id":"c2","type":"function","function":{"name":"get_time","arguments":"{}"}}]}"#
            ),
            try json(#"{"role":"tool","tool_call_id":"c1","content":"12C"}"#),
            try json(#"{"role":"tool","tool_call_id":"c2","content":"noon"}"#),
        ])
}

@Test func toolsToolChoiceFormatAndSamplingMapOntoChatParameters() throws {
    let request = try validate(
        #"""
        {"model":"m","input":"x","top_k":40,"tools":[{"type":"function","name":"f","description":"d",
          "parameters":{"type":"object"},"strict":true}],"tool_choice":{"type":"function","name":"f"},
         "parallel_tool_calls":false,"text":{"format":{"type":"json_schema","name":"out","schema":{"type":"object"},
          "strict":true},"verbosity":"low"},"max_output_tokens":64,"temperature":0.5,"top_p":1,"user":"u1",
         "metadata":{"k":"v"},"reasoning":{"effort":"high"},"store":false,"include":["reasoning.encrypted_content"],
         "truncation":"auto"}
        """#
    ).get()
    let expected = try json(
        #"""
        {"top_k":40,
         "tools":[{"type":"function","function":{"name":"f","description":"d","parameters":{"type":"object"},"strict":true}}],
         "tool_choice":{"type":"function","function":{"name":"f"}},"parallel_tool_calls":false,
         "response_format":{"type":"json_schema","json_schema":{"name":"out","schema":{"type":"object"},"strict":true}},
         "max_tokens":64,"temperature":0.5,"top_p":1,"user":"u1"}
        """#)
    let parameters = JSONValue.object(request.chat.parameters)
    for (key, value) in expected.objectValue ?? [] { #expect(parameters[key] == value, "\(key)") }
    #expect(request.chat.parameters.count == expected.objectValue?.count)
    #expect(
        request.echo.tools == [
            try json(#"{"type":"function","description":"d","name":"f","parameters":{"type":"object"},"strict":true}"#)
        ])
    #expect(request.echo.metadata == (try json(#"{"k":"v"}"#)))
    #expect(request.echo.reasoning == (try json(#"{"effort":"high"}"#)))
    #expect(request.echo.maxOutputTokens == .number("64"))
    #expect(request.echo.user == "u1")
}

@Test func toolChoiceAndParallelCallsWithoutToolsStayOutOfTheChatRequest() throws {
    let request = try validate(#"{"model":"m","input":"x","tools":[],"tool_choice":"auto","parallel_tool_calls":true}"#)
        .get()
    #expect(request.chat.parameters.isEmpty)
    #expect(request.echo.toolChoice == .string("auto"))
}

@Test func jsonObjectAndTextFormats() throws {
    let object = try chat(#"{"model":"m","input":"x","text":{"format":{"type":"json_object"}}}"#)
    #expect(object.parameter("response_format") == (try json(#"{"type":"json_object"}"#)))
    let text = try chat(#"{"model":"m","input":"x","text":{"format":{"type":"text"}}}"#)
    #expect(text.parameter("response_format") == nil)
}

/// Each invalid body, the `param` OpenAI would name, and words the message must hold.
private let refusals: [(body: String, param: String?, words: String)] = [
    (#"[1]"#, nil, "expected an object"),
    (#"{"input":"x"}"#, "model", "Missing required parameter"),
    (#"{"model":"m"}"#, "input", "Missing required parameter: 'input'"),
    (#"{"model":"m","input":[]}"#, "input", "empty array"),
    (#"{"model":"m","input":7}"#, "input", "expected one of a string or array of objects"),
    (#"{"model":"m","input":"x","previous_response_id":"resp_1"}"#, "previous_response_id", "keeps no responses"),
    (#"{"model":"m","input":"x","conversation":"conv_1"}"#, "conversation", "not supported"),
    (#"{"model":"m","input":"x","store":true}"#, "store", "Stored responses are not supported"),
    (#"{"model":"m","input":"x","store":"no"}"#, "store", "expected a boolean"),
    (#"{"model":"m","input":"x","background":true}"#, "background", "Background responses"),
    (#"{"model":"m","input":"x","tools":[{"type":"web_search"}]}"#, "tools[0].type", "'web_search' are not supported"),
    (#"{"model":"m","input":"x","tools":[{"type":"function"}]}"#, "tools[0].name", "Missing required parameter"),
    (#"{"model":"m","input":"x","tools":[{"type":"function","name":"a b"}]}"#, "tools[0].name", "pattern"),
    (
        #"{"model":"m","input":"x","tools":[{"type":"function","name":"f"}],"tool_choice":{"type":"function","name":"g"}}"#,
        "tool_choice", "no function named 'g'"
    ),
    (#"{"model":"m","input":"x","tool_choice":{"type":"file_search"}}"#, "tool_choice.type", "'file_search'"),
    (#"{"model":"m","input":"x","tool_choice":"always"}"#, "tool_choice", "Supported values"),
    (#"{"model":"m","input":"x","temperature":3}"#, "temperature", "above maximum"),
    (#"{"model":"m","input":"x","max_output_tokens":0}"#, "max_output_tokens", "below minimum"),
    (#"{"model":"m","input":"x","metadata":{"k":1}}"#, "metadata.k", "expected a string"),
    (#"{"model":"m","input":"x","text":{"format":{"type":"xml"}}}"#, "text.format.type", "Supported values"),
    (
        #"{"model":"m","input":"x","text":{"format":{"type":"json_schema","name":"s"}}}"#, "text.format.schema",
        "Missing"
    ),
    (#"{"model":"m","input":[{"type":"item_reference","id":"msg_1"}]}"#, "input[0].type", "keeps no responses"),
    (#"{"model":"m","input":[{"type":"web_search_call","id":"ws_1"}]}"#, "input[0].type", "'web_search_call'"),
    (#"{"model":"m","input":[{"content":"x"}]}"#, "input[0].type", "Missing"),
    (#"{"model":"m","input":[{"role":"tool","content":"x"}]}"#, "input[0].role", "Supported values"),
    (
        #"{"model":"m","input":[{"role":"system","content":[{"type":"input_image","image_url":"u"}]}]}"#,
        "input[0].content[0].type", "Supported values"
    ),
    (
        #"{"model":"m","input":[{"role":"user","content":[{"type":"input_image","file_id":"file_1"}]}]}"#,
        "input[0].content[0].file_id", "Uploaded files"
    ),
    (#"{"model":"m","input":[{"type":"function_call","name":"f","arguments":"{}"}]}"#, "input[0].call_id", "Missing"),
    (#"{"model":"m","input":[{"type":"function_call_output","call_id":"c"}]}"#, "input[0].output", "Missing"),
]

@Test(arguments: refusals.indices)
func invalidBodiesAreOpenAI400s(_ index: Int) {
    let (body, param, words) = refusals[index]
    guard case .failure(let error) = validate(body) else {
        Issue.record("accepted: \(body)")
        return
    }
    #expect(error.kind == .invalidRequest)
    #expect(error.param == param, "\(body)")
    #expect(error.message.contains(words), "\(error.message)")
}

@Test func storedResponseLookupsAre400s() {
    let response = StoredResponses.lookup(method: "GET")
    #expect(response.status == 400)
    let text = String(decoding: response.body, as: UTF8.self)
    #expect(text.contains("No stored response can be found. This gateway keeps no responses"))
    #expect(String(decoding: StoredResponses.lookup(method: "DELETE").body, as: UTF8.self).contains("be deleted"))
    #expect(text.contains(#""type":"invalid_request_error""#))
}

@Test func assistantTextAndRefusalStayBesideTheCallsThatFollow() throws {
    let request = try chat(
        #"""
        {"model":"m","input":[
          {"role":"user","content":"x"},
          {"role":"assistant","content":[{"type":"output_text","text":"Let me check. "},{"type":"refusal","refusal":"No."}]},
          {"type":"function_call","call_id":"c1","name":"f","arguments":"{}"},
          {"type":"function_call_output","call_id":"c1","output":"done"},
          {"type":"function_call","call_id":"c2","name":"f","arguments":"{}"}
        ]}
        """#)
    #expect(
        request.messages == [
            try json(#"{"role":"user","content":"x"}"#),
            try json(
                #"{"role":"assistant","content":"Let me check. No.","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]}"#
            ),
            try json(#"{"role":"tool","tool_call_id":"c1","content":"done"}"#),
            try json(
                #"{"role":"assistant","content":null,"tool_calls":[{"id":"c2","type":"function","function":{"name":"f","arguments":"{}"}}]}"#
            ),
        ])
}

@Test func aRepeatedKeyMeansItsLastValueAndNullMeansTheDefault() throws {
    let request = try validate(
        #"{"model":"m","input":"x","temperature":5,"temperature":0.5,"top_p":null,"tools":null,"stream":null}"#
    ).get()
    #expect(request.chat.parameters.count == 1)
    #expect(request.chat.parameter("temperature") == .number("0.5"))
    #expect(!request.chat.stream)
    #expect(request.echo.topP == .null && request.echo.tools.isEmpty)
}
