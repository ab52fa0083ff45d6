import GatewayWire
import Testing

@testable import ModelFormats

private func parse(_ json: String) throws -> Result<PromptTemplate, PromptTemplateError> {
    PromptTemplate.parse(try JSONParser.parse(json))
}

private func fieldError(_ json: String) throws -> PromptTemplateError? {
    guard case .failure(let error) = try parse(json) else { return nil }
    return error
}

@Test func aNameGivesTheBuiltIn() throws {
    #expect(try parse(#""mistral""#) == .success(.mistral))
    let error = try fieldError(#""llama-3""#)
    #expect(error?.field == nil)
    #expect(error?.description.contains("chatml, llama3, mistral, gemma, deepseek") == true)
}

@Test func customTemplateRenders() throws {
    let template = try parse(
        #"""
        {"prefix": "<s>", "system": "<|system|>\n{content}</s>\n", "user": "<|user|>\n{content}</s>\n",
         "assistant": "<|assistant|>\n{content}</s>\n", "tool": "<|tool|>\n{content}</s>\n",
         "generation_prompt": "<|assistant|>\n", "trim_content": true}
        """#
    ).get()
    #expect(template.name == "custom")
    let messages: [JSONValue] = [
        .object([("role", .string("system")), ("content", .string("S"))]),
        .object([("role", .string("user")), ("content", .string(" Hello "))]),
        .object([("role", .string("assistant")), ("content", .string("Hi"))]),
        .object([("role", .string("tool")), ("content", .string("42"))]),
    ]
    #expect(
        try template.render(messages)
            == "<s><|system|>\nS</s>\n<|user|>\nHello</s>\n<|assistant|>\nHi</s>\n<|tool|>\n42</s>\n<|assistant|>\n")
}

@Test func customTemplateWithoutSystemRoleUsesTheSeparator() throws {
    let template = try parse(
        #"{"user": "U:{content}\n", "assistant": "A:{content}\n", "generation_prompt": "A:", "system_separator": " | "}"#
    ).get()
    #expect(template.system == .beforeNextUser(separator: " | "))
    #expect(template.tool == nil)
    let messages: [JSONValue] = [
        .object([("role", .string("system")), ("content", .string("S"))]),
        .object([("role", .string("user")), ("content", .string("Q"))]),
    ]
    #expect(try template.render(messages) == "U:S | Q\nA:")
}

@Test func customTemplateErrorsNameTheField() throws {
    let cases: [(String, String?, String)] = [
        (#"{"assistant": "{content}", "generation_prompt": ""}"#, "user", "is required"),
        (#"{"user": "{content}", "generation_prompt": ""}"#, "assistant", "is required"),
        (#"{"user": "{content}", "assistant": "{content}"}"#, "generation_prompt", "is required"),
        (#"{"user": "no placeholder", "assistant": "{content}", "generation_prompt": ""}"#, "user", "exactly once"),
        (#"{"user": "{content}{content}", "assistant": "{content}", "generation_prompt": ""}"#, "user", "exactly once"),
        (
            #"{"user": "{content}", "assistant": 5, "generation_prompt": ""}"#, "assistant",
            "must be a string, not number"
        ),
        (
            #"{"user": "{content}", "assistant": "{content}", "generation_prompt": "{content}"}"#, "generation_prompt",
            "as is"
        ),
        (
            #"{"prefix": "{content}", "user": "{content}", "assistant": "{content}", "generation_prompt": ""}"#,
            "prefix", "as is"
        ),
        (
            #"{"user": "{content}", "assistant": "{content}", "generation-prompt": ""}"#, "generation-prompt",
            "unknown field"
        ),
        (
            #"{"user": "{content}", "assistant": "{content}", "generation_prompt": "", "tool": "t"}"#, "tool",
            "exactly once"
        ),
        (
            #"{"user": "{content}", "assistant": "{content}", "generation_prompt": "", "trim_content": "yes"}"#,
            "trim_content", "true or false"
        ),
        (
            #"{"system": "{content}", "system_separator": "\n", "user": "{content}", "assistant": "{content}", "generation_prompt": ""}"#,
            "system_separator", "only without `system`"
        ),
        ("42", nil, "not number"),
    ]
    for (json, field, reason) in cases {
        let error = try fieldError(json)
        #expect(error?.field == field, "\(json)")
        #expect(error?.reason.contains(reason) == true, "\(json): \(error?.reason ?? "no error")")
    }
    #expect(
        try fieldError(#"{"user": "x", "assistant": "{content}", "generation_prompt": ""}"#)?.description
            == "prompt_template.user: must contain {content} exactly once")
}
