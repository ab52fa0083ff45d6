import GatewayWire
import Testing

@testable import OpenAIWire

private let user = #"[{"role":"user","content":"hi"}]"#

private func body(_ extra: String) -> String {
    #"{"model":"m","messages":\#(user)\#(extra.isEmpty ? "" : ",")\#(extra)}"#
}

private func failure(_ text: String) -> GatewayError? {
    if case .failure(let error) = ChatRequestValidator.validate(Array(text.utf8)) { return error }
    return nil
}

struct BadRequestCase: CustomTestStringConvertible, Sendable {
    var body: String
    var param: String?
    var message: String
    var testDescription: String { body }
}

private let badRequests: [BadRequestCase] = [
    .init(
        body: "{not json", param: nil,
        message:
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The API expects a JSON payload, but what was sent was not valid JSON: expected a string key at byte 1.)"
    ),
    .init(
        body: "", param: nil,
        message:
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The API expects a JSON payload, but what was sent was not valid JSON: unexpected end of input at byte 0.)"
    ),
    .init(
        body: "[1]", param: nil, message: "Invalid type for request body: expected an object, but got an array instead."
    ),
    .init(body: #"{"messages":\#(user)}"#, param: "model", message: "Missing required parameter: 'model'."),
    .init(
        body: #"{"model":5,"messages":\#(user)}"#, param: "model",
        message: "Invalid type for 'model': expected a string, but got an integer instead."),
    .init(
        body: #"{"model":"","messages":\#(user)}"#, param: "model",
        message:
            "Invalid 'model': empty string. Expected a string with minimum length 1, but got an empty string instead."),
    .init(body: #"{"model":"m"}"#, param: "messages", message: "Missing required parameter: 'messages'."),
    .init(
        body: #"{"model":"m","messages":"hi"}"#, param: "messages",
        message: "Invalid type for 'messages': expected an array of objects, but got a string instead."),
    .init(
        body: #"{"model":"m","messages":[]}"#, param: "messages",
        message:
            "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead."),
    .init(
        body: #"{"model":"m","messages":["hi"]}"#, param: "messages[0]",
        message: "Invalid type for 'messages[0]': expected an object, but got a string instead."),
    .init(
        body: #"{"model":"m","messages":[{"content":"x"}]}"#, param: "messages[0].role",
        message: "Missing required parameter: 'messages[0].role'."),
    .init(
        body: #"{"model":"m","messages":[{"role":"user","content":"a"},{"role":"bot","content":"x"}]}"#,
        param: "messages[1].role",
        message:
            "Invalid value: 'bot'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'."
    ),
    .init(
        body: #"{"model":"m","messages":[{"role":"user"}]}"#, param: "messages[0].content",
        message: "Missing required parameter: 'messages[0].content'."),
    .init(
        body: #"{"model":"m","messages":[{"role":"user","content":null}]}"#, param: "messages[0].content",
        message: "Missing required parameter: 'messages[0].content'."),
    .init(
        body: #"{"model":"m","messages":[{"role":"assistant","content":null}]}"#, param: "messages[0].content",
        message: "Missing required parameter: 'messages[0].content'."),
    .init(
        body: #"{"model":"m","messages":[{"role":"user","content":7}]}"#, param: "messages[0].content",
        message:
            "Invalid type for 'messages[0].content': expected one of a string or array of objects, but got an integer instead."
    ),
    .init(
        body: #"{"model":"m","messages":[{"role":"user","content":[]}]}"#, param: "messages[0].content",
        message:
            "Invalid 'messages[0].content': empty array. Expected an array with minimum length 1, but got an empty array instead."
    ),
    .init(
        body: #"{"model":"m","messages":[{"role":"user","content":[{"type":"text"}]}]}"#,
        param: "messages[0].content[0].text", message: "Missing required parameter: 'messages[0].content[0].text'."),
    .init(
        body: #"{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":1}]}]}"#,
        param: "messages[0].content[0].text",
        message: "Invalid type for 'messages[0].content[0].text': expected a string, but got an integer instead."),
    .init(
        body: #"{"model":"m","messages":[{"role":"user","content":[{"type":"video","text":"x"}]}]}"#,
        param: "messages[0].content[0].type",
        message: "Invalid value: 'video'. Supported values are: 'text', 'image_url', 'input_audio', and 'file'."),
    .init(
        body: #"{"model":"m","messages":[{"role":"system","content":[{"type":"image_url","image_url":{"url":"u"}}]}]}"#,
        param: "messages[0].content[0].type", message: "Invalid value: 'image_url'. Supported values are: 'text'."),
    .init(
        body: #"{"model":"m","messages":[{"role":"tool","content":"42"}]}"#, param: "messages[0].tool_call_id",
        message: "Missing required parameter: 'messages[0].tool_call_id'."),
    .init(
        body:
            #"{"model":"m","messages":[{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f"}}]}]}"#,
        param: "messages[0].tool_calls[0].function.arguments",
        message: "Missing required parameter: 'messages[0].tool_calls[0].function.arguments'."),
    .init(
        body: body(#""temperature":"hot""#), param: "temperature",
        message: "Invalid type for 'temperature': expected a decimal, but got a string instead."),
    .init(
        body: body(#""temperature":2.5"#), param: "temperature",
        message: "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 2.5 instead."),
    .init(
        body: body(#""temperature":-1"#), param: "temperature",
        message: "Invalid 'temperature': decimal below minimum value. Expected a value >= 0, but got -1 instead."),
    .init(
        body: body(#""top_p":1.1"#), param: "top_p",
        message: "Invalid 'top_p': decimal above maximum value. Expected a value <= 1, but got 1.1 instead."),
    .init(
        body: body(#""n":0"#), param: "n",
        message: "Invalid 'n': integer below minimum value. Expected a value >= 1, but got 0 instead."),
    .init(
        body: body(#""n":129"#), param: "n",
        message: "Invalid 'n': integer above maximum value. Expected a value <= 128, but got 129 instead."),
    .init(
        body: body(#""n":1.5"#), param: "n",
        message: "Invalid type for 'n': expected an integer, but got a decimal instead."),
    .init(
        body: body(#""max_tokens":0"#), param: "max_tokens",
        message: "Invalid 'max_tokens': integer below minimum value. Expected a value >= 1, but got 0 instead."),
    // Beyond 64 bits: still an integer, so the message says out of range (issue 10, item 6).
    .init(
        body: body(#""max_tokens":100000000000000000000"#), param: "max_tokens",
        message:
            "Invalid 'max_tokens': integer above maximum value. Expected a value <= 9223372036854775807, but got 100000000000000000000 instead."
    ),
    .init(
        body: body(#""seed":-99999999999999999999"#), param: "seed",
        message:
            "Invalid 'seed': integer below minimum value. Expected a value >= -9223372036854775808, but got -99999999999999999999 instead."
    ),
    .init(
        body: body(#""max_completion_tokens":"10""#), param: "max_completion_tokens",
        message: "Invalid type for 'max_completion_tokens': expected an integer, but got a string instead."),
    .init(
        body: body(#""stream":"yes""#), param: "stream",
        message: "Invalid type for 'stream': expected a boolean, but got a string instead."),
    .init(
        body: body(#""stream_options":{"include_usage":true}"#), param: "stream_options",
        message: "The 'stream_options' parameter is only allowed when 'stream' is enabled."),
    .init(
        body: body(#""stream":false,"stream_options":{"include_usage":true}"#), param: "stream_options",
        message: "The 'stream_options' parameter is only allowed when 'stream' is enabled."),
    .init(
        body: body(#""stream":true,"stream_options":{"include_usage":1}"#), param: "stream_options.include_usage",
        message: "Invalid type for 'stream_options.include_usage': expected a boolean, but got an integer instead."),
    .init(
        body: body(#""stop":["a","b","c","d","e"]"#), param: "stop",
        message:
            "Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length 5 instead."
    ),
    .init(
        body: body(#""stop":["a",2]"#), param: "stop[1]",
        message: "Invalid type for 'stop[1]': expected a string, but got an integer instead."),
    .init(
        body: body(#""stop":true"#), param: "stop",
        message: "Invalid type for 'stop': expected one of a string or array of strings, but got a boolean instead."),
    .init(
        body: body(#""presence_penalty":3"#), param: "presence_penalty",
        message: "Invalid 'presence_penalty': decimal above maximum value. Expected a value <= 2, but got 3 instead."),
    .init(
        body: body(#""frequency_penalty":-2.5"#), param: "frequency_penalty",
        message:
            "Invalid 'frequency_penalty': decimal below minimum value. Expected a value >= -2, but got -2.5 instead."),
    .init(
        body: body(#""seed":"x""#), param: "seed",
        message: "Invalid type for 'seed': expected an integer, but got a string instead."),
    .init(
        body: body(#""logprobs":1"#), param: "logprobs",
        message: "Invalid type for 'logprobs': expected a boolean, but got an integer instead."),
    .init(
        body: body(#""top_logprobs":21"#), param: "top_logprobs",
        message: "Invalid 'top_logprobs': integer above maximum value. Expected a value <= 20, but got 21 instead."),
    .init(
        body: body(#""tools":{}"#), param: "tools",
        message: "Invalid type for 'tools': expected an array, but got an object instead."),
    .init(
        body: body(#""tools":[{"type":"retrieval"}]"#), param: "tools[0].type",
        message: "Invalid value: 'retrieval'. Supported values are: 'function'."),
    .init(
        body: body(#""tools":[{"type":"function","function":{}}]"#), param: "tools[0].function.name",
        message: "Missing required parameter: 'tools[0].function.name'."),
    .init(
        body: body(#""tool_choice":"sometimes""#), param: "tool_choice",
        message: "Invalid value: 'sometimes'. Supported values are: 'none', 'auto', and 'required'."),
    .init(
        body: body(#""tool_choice":{"type":"function"}"#), param: "tool_choice.function",
        message: "Missing required parameter: 'tool_choice.function'."),
    .init(
        body: body(#""response_format":{"type":"xml"}"#), param: "response_format.type",
        message: "Invalid value: 'xml'. Supported values are: 'text', 'json_object', and 'json_schema'."),
    .init(
        body: body(#""response_format":"json""#), param: "response_format",
        message: "Invalid type for 'response_format': expected an object, but got a string instead."),
    .init(
        body: body(#""user":42"#), param: "user",
        message: "Invalid type for 'user': expected a string, but got an integer instead."),
    .init(
        body: body(#""logit_bias":[]"#), param: "logit_bias",
        message: "Invalid type for 'logit_bias': expected an object, but got an array instead."),
]

@Test(arguments: badRequests)
func rejectsInvalidRequestWithOpenAIMessage(_ c: BadRequestCase) throws {
    let error = try #require(failure(c.body))
    #expect(error.kind == .invalidRequest)
    #expect(error.param == c.param)
    #expect(error.message == c.message)
    #expect(OpenAIErrorMapper.response(for: error).status == 400)
}

@Test func acceptsFullRequestAndSplitsTypedFieldsFromParameters() throws {
    let text = #"""
        {"model":"llama","temperature":0.7,"messages":[
          {"role":"system","content":"be brief"},
          {"role":"developer","content":[{"type":"text","text":"rules"}]},
          {"role":"user","content":[{"type":"text","text":"what is this?"},{"type":"image_url","image_url":{"url":"data:x"}}]},
          {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},
          {"role":"tool","tool_call_id":"c1","content":"42"},
          {"role":"function","name":"f","content":null}
        ],"stream":true,"stream_options":{"include_usage":true},"top_k":40,"max_tokens":5,"stop":["\n"],
        "tools":[{"type":"function","function":{"name":"f","parameters":{}}}],"tool_choice":"auto",
        "response_format":{"type":"json_object"},"seed":1,"n":2,"user":"u","logit_bias":{"50256":-100},"top_p":null}
        """#
    let request = try ChatRequestValidator.validate(Array(text.utf8)).get()
    #expect(request.model == "llama")
    #expect(request.messages.count == 6)
    #expect(request.stream)
    #expect(request.includeUsage)
    #expect(
        request.parameters.map(\.0) == [
            "temperature", "top_k", "max_tokens", "stop", "tools", "tool_choice", "response_format", "seed", "n",
            "user",
            "logit_bias", "top_p",
        ])
    #expect(request.parameter("top_k") == .number("40"))
    #expect(request.parameter("top_p") == .null)
    #expect(request.maxTokens == 5)
    #expect(request.choiceCount == 2)
}

@Test func defaultsWhenStreamAbsent() throws {
    let request = try ChatRequestValidator.validate(Array(body("").utf8)).get()
    #expect(!request.stream)
    #expect(!request.includeUsage)
    #expect(request.parameters.isEmpty)
}

@Test func streamWithoutOptionsDoesNotIncludeUsage() throws {
    let request = try ChatRequestValidator.validate(Array(body(#""stream":true"#).utf8)).get()
    #expect(request.stream)
    #expect(!request.includeUsage)
}

@Test func repeatedKeyKeepsOnlyTheLastValue() throws {
    let request = try ChatRequestValidator.validate(Array(body(#""top_k":1,"temperature":1,"top_k":2"#).utf8)).get()
    #expect(request.parameters.map(\.0) == ["temperature", "top_k"])
    #expect(request.parameter("top_k") == .number("2"))
}

@Test func repeatedKeyIsValidatedByItsLastValue() {
    #expect(failure(body(#""temperature":1,"temperature":9"#))?.param == "temperature")
}

/// Past 32 members repeated keys are found by hashing instead of pairwise: the same members either way.
@Test func repeatedKeysAmongManyMembersKeepTheLastValues() throws {
    let many = (0..<40).map { #""x\#($0)":\#($0)"# }.joined(separator: ",")
    for extra in [many, many + #","x3":"last""#] {
        let fields = try RequestBody.fields(Array("{\(extra)}".utf8))
        let expected = (0..<40).filter { !(extra.hasSuffix(#""last""#) && $0 == 3) }.map { "x\($0)" }
        #expect(fields.map(\.0) == expected + (extra.hasSuffix(#""last""#) ? ["x3"] : []))
    }
}

/// The typed members are judged before any parameter, wherever the client put them, then the parameters in order.
@Test func typedMembersAreJudgedBeforeParametersWhereverTheyStand() {
    #expect(failure(#"{"temperature":9,"messages":[{"role":"user","content":"hi"}],"model":5}"#)?.param == "model")
    #expect(failure(#"{"temperature":9,"model":"m","messages":[]}"#)?.param == "messages")
    #expect(failure(#"{"top_p":7,"model":"m","stream":1,"messages":\#(user)}"#)?.param == "stream")
    #expect(failure(#"{"top_p":7,"temperature":9,"model":"m","messages":\#(user)}"#)?.param == "top_p")
}
