import GatewayWire
import Testing

@testable import AnthropicWire

private func validate(_ body: String, route: AnthropicRequestValidator.Route = .messages) -> Result<
    ChatRequest, GatewayError
> {
    AnthropicRequestValidator.validate(Array(body.utf8), route: route)
}

private func json(_ text: String) -> JSONValue {
    (try? JSONParser.parse(text)) ?? .null
}

private func mapped(_ body: String) -> ChatRequest? {
    guard case .success(let chat) = validate(body) else { return nil }
    return chat
}

@Test func minimalRequest() throws {
    let chat = try #require(mapped(#"{"model":"m","max_tokens":16,"messages":[{"role":"user","content":"Hi"}]}"#))
    #expect(chat.model == "m")
    #expect(chat.messages == [json(#"{"role":"user","content":"Hi"}"#)])
    #expect(!chat.stream && !chat.includeUsage)
    #expect(JSONValue.object(chat.parameters) == json(#"{"max_tokens":16}"#))
}

@Test func everyParameterMaps() throws {
    let chat = try #require(
        mapped(
            #"""
            {"model":"m","max_tokens":100,"stream":true,"system":[{"type":"text","text":"Be brief."},{"type":"text","text":"Be kind."}],
             "messages":[{"role":"user","content":"Hi"}],"stop_sequences":["###"],"temperature":0.5,"top_p":0.9,"top_k":40,
             "metadata":{"user_id":"u-1"},"thinking":{"type":"enabled","budget_tokens":1024},"service_tier":"auto",
             "tools":[{"name":"get_weather","description":"Weather.","input_schema":{"type":"object"}}],
             "tool_choice":{"type":"tool","name":"get_weather","disable_parallel_tool_use":true},"repetition_penalty":1.1}
            """#))
    #expect(chat.stream && chat.includeUsage)
    #expect(chat.messages[0] == json(#"{"role":"system","content":"Be brief.\n\nBe kind."}"#))
    #expect(
        JSONValue.object(chat.parameters)
            == json(
                #"""
                {"max_tokens":100,"stop":["###"],"temperature":0.5,"top_p":0.9,"top_k":40,"user":"u-1",
                 "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather.","parameters":{"type":"object"}}}],
                 "tool_choice":{"type":"function","function":{"name":"get_weather"}},"parallel_tool_calls":false,
                 "repetition_penalty":1.1}
                """#))
}

@Test func outputFormatBecomesResponseFormat() throws {
    let chat = try #require(
        mapped(
            #"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x"}],"output_config":{"effort":"low","format":{"type":"json_schema","schema":{"type":"object"}}}}"#
        ))
    #expect(
        JSONValue.object(chat.parameters)
            == json(
                #"{"max_tokens":1,"response_format":{"type":"json_schema","json_schema":{"name":"output","schema":{"type":"object"},"strict":true}}}"#
            ))
}

@Test func finalAssistantTurnIsAPrefill() throws {
    let chat = try #require(
        mapped(
            #"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"JSON please"},{"role":"assistant","content":"{"}]}"#
        ))
    #expect(chat.messages.last == json(#"{"role":"assistant","content":"{"}"#))
    #expect(
        JSONValue.object(chat.parameters)
            == json(#"{"max_tokens":1,"continue_final_message":true,"add_generation_prompt":false}"#))
}

@Test func toolChoiceTable() throws {
    let cases: [(String, String)] = [
        (#"{"type":"auto"}"#, #"{"tool_choice":"auto"}"#),
        (#"{"type":"any"}"#, #"{"tool_choice":"required"}"#),
        (#"{"type":"none"}"#, #"{"tool_choice":"none"}"#),
        (
            #"{"type":"any","disable_parallel_tool_use":true}"#,
            #"{"tool_choice":"required","parallel_tool_calls":false}"#
        ),
    ]
    for (choice, expected) in cases {
        let chat = try #require(
            mapped(
                #"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x"}],"tools":[{"name":"f","input_schema":{}}],"tool_choice":\#(choice)}"#
            ))
        let got = chat.parameters.filter { $0.0 == "tool_choice" || $0.0 == "parallel_tool_calls" }
        #expect(JSONValue.object(got) == json(expected), "\(choice)")
    }
}

@Test func toolRoundTripAndImagesMap() throws {
    let chat = try #require(
        mapped(
            #"""
            {"model":"m","max_tokens":8,"messages":[
             {"role":"user","content":[{"type":"text","text":"Look"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw=="}},
                                       {"type":"image","source":{"type":"url","url":"https://example.com/a.jpg"}}]},
             {"role":"assistant","content":[{"type":"thinking","thinking":"hm","signature":"sig"},{"type":"text","text":"Checking."},
                                            {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}]},
             {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"sunny"}]},
                                       {"type":"tool_result","tool_use_id":"toolu_2","content":"boom","is_error":true},
                                       {"type":"text","text":"Thanks"}]},
             {"role":"assistant","content":[{"type":"redacted_thinking","data":"xyz"},{"type":"tool_use","id":"toolu_3","name":"f","input":{}}]}
            ]}
            """#))
    let expected: [JSONValue] = [
        json(
            #"{"role":"user","content":[{"type":"text","text":"Look"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw=="}},{"type":"image_url","image_url":{"url":"https://example.com/a.jpg"}}]}"#
        ),
        json(
            #"{"role":"assistant","content":"Checking.","tool_calls":[{"id":"toolu_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]}"#
        ),
        json(#"{"role":"tool","tool_call_id":"toolu_1","content":"sunny"}"#),
        json(#"{"role":"tool","tool_call_id":"toolu_2","content":"Error: boom"}"#),
        json(#"{"role":"user","content":"Thanks"}"#),
        json(
            #"{"role":"assistant","content":null,"tool_calls":[{"id":"toolu_3","type":"function","function":{"name":"f","arguments":"{}"}}]}"#
        ),
    ]
    #expect(chat.messages == expected)
}

@Test func countTokensNeedsNoMaxTokens() throws {
    guard
        case .success(let chat) = validate(
            #"{"model":"m","messages":[{"role":"user","content":"Hi"}]}"#, route: .countTokens)
    else { Issue.record("count_tokens rejected"); return }
    #expect(chat.parameters.isEmpty)
    #expect(AnthropicUsage.inputTokenEstimate(chat) == 5)
    #expect(String(decoding: AnthropicUsage.countTokensBody(chat), as: UTF8.self) == #"{"input_tokens":5}"#)
}

@Test func badInputsAreAnthropic400s() {
    let user = #""messages":[{"role":"user","content":"Hi"}]"#
    let cases: [(String, String)] = [
        ("not json", "The request body is not valid JSON"),
        ("[1]", "The request body must be a JSON object, got array."),
        (#"{"max_tokens":1,\#(user)}"#, "model: Field required"),
        (#"{"model":"m",\#(user)}"#, "max_tokens: Field required"),
        (#"{"model":"m","max_tokens":0,\#(user)}"#, "max_tokens: Input should be greater than or equal to 1"),
        (#"{"model":"m","max_tokens":"5",\#(user)}"#, "max_tokens: Input should be a valid integer"),
        (#"{"model":"m","max_tokens":1}"#, "messages: Field required"),
        (#"{"model":"m","max_tokens":1,"messages":[]}"#, "messages: List should have at least 1 item"),
        (
            #"{"model":"m","max_tokens":1,"messages":[{"role":"system","content":"x"}]}"#,
            "messages.0.role: Input should be 'user' or 'assistant'"
        ),
        (
            #"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"video"}]}]}"#,
            "messages.0.content.0.type: Input tag 'video' found using 'type' does not match any of the expected tags: 'text', 'image', 'tool_result', 'thinking', 'redacted_thinking'"
        ),
        (
            #"{"model":"m","max_tokens":1,"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"f"}]}]}"#,
            "messages.0.content.0.input: Field required"
        ),
        (
            #"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/bmp","data":"x"}}]}]}"#,
            "messages.0.content.0.source.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif', 'image/webp'"
        ),
        (
            #"{"model":"m","max_tokens":1,\#(user),"temperature":1.5}"#,
            "temperature: Input should be between 0 and 1, got 1.5"
        ),
        (
            #"{"model":"m","max_tokens":1,\#(user),"system":5}"#,
            "system: Input should be a valid string or a list of text blocks"
        ),
        (
            #"{"model":"m","max_tokens":1,\#(user),"output_config":{"format":{"type":"regex"}}}"#,
            "output_config.format.type: Input tag 'regex' found"
        ),
        (
            #"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[]}]}"#,
            "messages.0.content: List should have at least 1 item"
        ),
        (
            #"{"model":"m","max_tokens":1,\#(user),"stop_sequences":[1]}"#,
            "stop_sequences.0: Input should be a valid string"
        ),
        (
            #"{"model":"m","max_tokens":1,\#(user),"tool_choice":{"type":"any"}}"#,
            "tool_choice: 'tool_choice' may only be specified while providing 'tools'"
        ),
        (
            #"{"model":"m","max_tokens":1,\#(user),"tools":[{"name":"f","input_schema":{}}],"tool_choice":{"type":"tool","name":"g"}}"#,
            "tool_choice.name: no tool named 'g' in 'tools'"
        ),
        (
            #"{"model":"m","max_tokens":1,\#(user),"tools":[{"name":"bad name","input_schema":{}}]}"#,
            "tools.0.name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'"
        ),
        (
            #"{"model":"m","max_tokens":1,\#(user),"tools":[{"type":"web_search_20250305","name":"web_search"}]}"#,
            "tools.0.type: not supported by this gateway"
        ),
        (
            #"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":[{"type":"image","source":{}}]}]}]}"#,
            "messages.0.content.0.content.0: not supported by this gateway"
        ),
    ]
    for (body, message) in cases {
        guard case .failure(let error) = validate(body) else {
            Issue.record("accepted: \(body)")
            continue
        }
        #expect(error.kind == .invalidRequest)
        #expect(error.message.hasPrefix(message), "\(body) -> \(error.message)")
    }
}
