import GatewayWire
import Testing

@testable import OpenAIWire

/// Tools, forced functions, structured output and multi-part content as OpenAI accepts and refuses them.
@Suite struct ToolRulesTests {
    static let weather =
        #"{"type":"function","function":{"name":"get_weather","description":"d","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]},"strict":true}}"#

    static func request(_ extra: String, messages: String = #"[{"role":"user","content":"hi"}]"#) -> [UInt8] {
        Array(#"{"model":"m","messages":\#(messages),\#(extra)}"#.utf8)
    }

    static func error(_ body: [UInt8]) -> GatewayError? {
        if case .failure(let error) = ChatRequestValidator.validate(body) { return error }
        return nil
    }

    struct Refused: CustomTestStringConvertible, Sendable {
        var extra: String
        var param: String
        var message: String
        var testDescription: String { extra }
    }

    static let refused = [
        Refused(
            extra: #""tool_choice":"auto""#, param: "tool_choice",
            message: "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified."),
        Refused(
            extra: #""parallel_tool_calls":false"#, param: "parallel_tool_calls",
            message:
                "Invalid value for 'parallel_tool_calls': 'parallel_tool_calls' is only allowed when 'tools' are specified."
        ),
        Refused(
            extra: #""tools":[\#(weather)],"tool_choice":{"type":"function","function":{"name":"get_time"}}"#,
            param: "tool_choice",
            message: "Invalid value for 'tool_choice': no function named 'get_time' in 'tools' ('get_weather')."),
        Refused(
            extra: #""tools":[],"tool_choice":{"type":"function","function":{"name":"f"}}"#, param: "tool_choice",
            message: "Invalid value for 'tool_choice': no function named 'f' in 'tools'."),
        Refused(
            extra: #""tools":[{"type":"function","function":{"name":"get weather"}}]"#,
            param: "tools[0].function.name",
            message:
                "Invalid 'tools[0].function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'."
        ),
        Refused(
            extra: #""tools":[{"type":"function","function":{"name":"\#(String(repeating: "f", count: 65))"}}]"#,
            param: "tools[0].function.name",
            message:
                "Invalid 'tools[0].function.name': string too long. Expected a string with maximum length 64, but got a string with length 65 instead."
        ),
        Refused(
            extra: #""tools":[{"type":"function","function":{"name":"f","parameters":"{}"}}]"#,
            param: "tools[0].function.parameters",
            message: "Invalid type for 'tools[0].function.parameters': expected an object, but got a string instead."),
        Refused(
            extra: #""parallel_tool_calls":"yes","tools":[\#(weather)]"#, param: "parallel_tool_calls",
            message: "Invalid type for 'parallel_tool_calls': expected a boolean, but got a string instead."),
        Refused(
            extra: #""response_format":{"type":"json_schema","json_schema":{"schema":{}}}"#,
            param: "response_format.json_schema.name",
            message: "Missing required parameter: 'response_format.json_schema.name'."),
    ]

    @Test("refused with OpenAI's message", arguments: refused)
    func refusedWithOpenAIMessage(_ c: Refused) throws {
        let error = try #require(Self.error(Self.request(c.extra)))
        #expect(error.param == c.param)
        #expect(error.message == c.message)
        #expect(OpenAIErrorMapper.response(for: error).status == 400)
    }

    /// Everything a tool-calling turn and a structured-output request can hold passes, untouched and in order.
    @Test func toolTurnStructuredOutputAndImagesPassThroughUnchanged() throws {
        let messages = #"""
            [{"role":"developer","content":"Use tools."},
             {"role":"user","content":[{"type":"text","text":"Weather here?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"low"}}]},
             {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
             {"role":"tool","tool_call_id":"call_1","content":[{"type":"text","text":"18C"}]}]
            """#
        let extra =
            #""tools":[\#(Self.weather)],"tool_choice":{"type":"function","function":{"name":"get_weather"}},"parallel_tool_calls":true,"response_format":{"type":"json_schema","json_schema":{"name":"w-1","schema":{"type":"object"},"strict":true}},"n":2"#
        let request = try ChatRequestValidator.validate(Self.request(extra, messages: messages)).get()
        #expect(
            JSONWriter.string(.array(request.messages)) == JSONWriter.string(try JSONParser.parse(Array(messages.utf8)))
        )
        #expect(request.parameters.map(\.0) == ["tools", "tool_choice", "parallel_tool_calls", "response_format", "n"])
        let original = try JSONParser.parse(Self.request(extra, messages: messages))
        for (key, value) in request.parameters { #expect(value == original[key]) }
        #expect(request.choiceCount == 2)
    }

    @Test(
        "accepted tool_choice values",
        arguments: [#""none""#, #""auto""#, #""required""#, #"{"type":"function","function":{"name":"get_weather"}}"#])
    func acceptedToolChoice(_ choice: String) throws {
        _ = try ChatRequestValidator.validate(Self.request(#""tools":[\#(Self.weather)],"tool_choice":\#(choice)"#))
            .get()
    }

    @Test func jsonObjectAndNullToolFieldsAreFine() throws {
        _ = try ChatRequestValidator.validate(
            Self.request(#""response_format":{"type":"json_object"},"tools":null,"tool_choice":null"#)
        ).get()
    }
}
