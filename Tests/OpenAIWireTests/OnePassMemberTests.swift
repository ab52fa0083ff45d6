import GatewayWire
import Testing

@testable import OpenAIWire

/// The chat validator reads a message's members, and notices the tool members, in one pass over them; the
/// answers must be those of searching for each member (the last of a repeated key wins, as the subscript has it).
@Suite struct OnePassMemberTests {
    static func outcome(_ body: String) -> String {
        switch ChatRequestValidator.validate(Array(body.utf8)) {
        case .success(let chat): return "ok \(chat.model) \(chat.messages.count) \(chat.parameters.map(\.0))"
        case .failure(let error): return "error \(error.param ?? "-"): \(error.message)"
        }
    }

    static func chat(_ messages: String, _ extra: String = "") -> String {
        #"{"model":"m","messages":\#(messages)\#(extra)}"#
    }

    /// A message's repeated members: the last one counts, whichever member it is.
    @Test(arguments: [
        (#"{"role":"bogus","role":"user","content":"x"}"#, "ok m 1 []"),
        (
            #"{"role":"user","role":"bogus","content":"x"}"#,
            "error messages[0].role: Invalid value: 'bogus'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'."
        ),
        (#"{"role":"user","content":5,"content":"x"}"#, "ok m 1 []"),
        (
            #"{"role":"user","content":"x","content":null}"#,
            "error messages[0].content: Missing required parameter: 'messages[0].content'."
        ),
        (#"{"role":"user","name":5,"name":"n","content":"x"}"#, "ok m 1 []"),
        (
            #"{"role":"user","name":"n","name":5,"content":"x"}"#,
            "error messages[0].name: Invalid type for 'messages[0].name': expected a string, but got an integer instead."
        ),
        (
            #"{"role":"assistant","tool_calls":null,"content":null}"#,
            "error messages[0].content: Missing required parameter: 'messages[0].content'."
        ),
        (#"{"role":"assistant","function_call":{"name":"f","arguments":"{}"},"content":null}"#, "ok m 1 []"),
        (#"{"content":"x"}"#, "error messages[0].role: Missing required parameter: 'messages[0].role'."),
        (#"{"role":null,"content":"x"}"#, "error messages[0].role: Missing required parameter: 'messages[0].role'."),
        (
            #"{"role":"tool","content":"x"}"#,
            "error messages[0].tool_call_id: Missing required parameter: 'messages[0].tool_call_id'."
        ),
    ])
    func repeatedMessageMembersTakeTheLast(message: String, expected: String) {
        #expect(Self.outcome(Self.chat("[\(message)]")) == expected)
    }

    /// With or without the tool members, in any order and with nulls, the body gets the answer of checking the
    /// tool rules on it: the check is skipped only where it has nothing to say.
    @Test func toolRulesAreCheckedWheneverAToolMemberIsThere() throws {
        let members = [
            #""tools":[{"type":"function","function":{"name":"f"}}]"#, #""tools":null"#, #""tool_choice":"auto""#,
            #""tool_choice":{"type":"function","function":{"name":"g"}}"#, #""tool_choice":null"#,
            #""parallel_tool_calls":false"#, #""parallel_tool_calls":null"#, #""temperature":0.5"#,
        ]
        for first in members.indices {
            for second in members.indices where second != first {
                let body = Self.chat(#"[{"role":"user","content":"x"}]"#, ",\(members[first]),\(members[second])")
                let parsed = try JSONParser.parse(body)
                var expected: String?
                do {
                    try ToolRules.checkCombination(parsed)
                } catch {
                    expected = "error \(error.param ?? "-"): \(error.message)"
                }
                let outcome = Self.outcome(body)
                if let expected {
                    #expect(outcome == expected, "\(body)")
                } else {
                    #expect(outcome.hasPrefix("ok"), "\(body)")
                }
            }
        }
    }
}
