import GatewayWire
import Testing

@testable import ModelFormats

private func message(_ role: String, _ content: JSONValue) -> JSONValue {
    .object([("role", .string(role)), ("content", content)])
}

private func message(_ role: String, _ content: String) -> JSONValue {
    message(role, .string(content))
}

/// system + user + assistant + user, the assistant's text padded to show which templates trim.
private let conversation = [
    message("system", "You are a helpful assistant"), message("user", "Hello"),
    message("assistant", "   I am an assistant   "), message("user", "Who are you"),
]

private func render(_ template: PromptTemplate, _ messages: [JSONValue]) throws -> String {
    try template.render(messages)
}

private func renderError(_ template: PromptTemplate, _ messages: [JSONValue]) -> GatewayError? {
    guard case .failure(let error) = Result(catching: { () throws(GatewayError) in try template.render(messages) })
    else { return nil }
    return error
}

// Golden renderings, written by hand from each model's HF chat template (apply_chat_template with
// add_generation_prompt=True) with the BOS token left out, because TGI's tokenizer adds it.

@Test func chatmlGolden() throws {
    #expect(
        try render(.chatml, conversation)
            == "<|im_start|>system\nYou are a helpful assistant<|im_end|>\n<|im_start|>user\nHello<|im_end|>\n"
            + "<|im_start|>assistant\n   I am an assistant   <|im_end|>\n<|im_start|>user\nWho are you<|im_end|>\n"
            + "<|im_start|>assistant\n")
}

@Test func llama3Golden() throws {
    #expect(
        try render(.llama3, conversation)
            == "<|start_header_id|>system<|end_header_id|>\n\nYou are a helpful assistant<|eot_id|>"
            + "<|start_header_id|>user<|end_header_id|>\n\nHello<|eot_id|>"
            + "<|start_header_id|>assistant<|end_header_id|>\n\nI am an assistant<|eot_id|>"
            + "<|start_header_id|>user<|end_header_id|>\n\nWho are you<|eot_id|>"
            + "<|start_header_id|>assistant<|end_header_id|>\n\n")
}

@Test func mistralGolden() throws {
    #expect(
        try render(.mistral, conversation)
            == " [INST] You are a helpful assistant\n\nHello [/INST]    I am an assistant   </s> [INST] Who are you [/INST]"
    )
}

@Test func gemmaGolden() throws {
    #expect(
        try render(.gemma, conversation)
            == "<start_of_turn>user\nYou are a helpful assistant\n\nHello<end_of_turn>\n"
            + "<start_of_turn>model\nI am an assistant<end_of_turn>\n<start_of_turn>user\nWho are you<end_of_turn>\n"
            + "<start_of_turn>model\n")
}

@Test func deepseekGolden() throws {
    #expect(
        try render(.deepseek, conversation)
            == "You are a helpful assistant<｜User｜>Hello<｜Assistant｜>   I am an assistant   <｜end▁of▁sentence｜>"
            + "<｜User｜>Who are you<｜Assistant｜>")
}

@Test func noTemplateWritesABOSToken() throws {
    for template in PromptTemplate.builtIns {
        let prompt = try render(template, conversation)
        for bos in ["<s>", "<|begin_of_text|>", "<bos>", "<｜begin▁of▁sentence｜>"] {
            #expect(!prompt.contains(bos), "\(template.name) writes \(bos)")
        }
        #expect(prompt.hasSuffix(template.generationPrompt))
    }
}

@Test func builtInsByName() {
    #expect(PromptTemplate.builtIns.map(\.name) == ["chatml", "llama3", "mistral", "gemma", "deepseek"])
    #expect(PromptTemplate.named("gemma") == .gemma)
    #expect(PromptTemplate.named("llama-3") == nil)
}

@Test func developerIsSystemAndTextPartsAreJoined() throws {
    let parts: JSONValue = .array([
        .object([("type", .string("text")), ("text", .string("first"))]),
        .object([("type", .string("text")), ("text", .string("second"))]),
    ])
    #expect(
        try render(.chatml, [message("developer", "Be brief."), message("user", parts)])
            == "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nfirst\nsecond<|im_end|>\n<|im_start|>assistant\n"
    )
}

@Test func nonTextPartIsAClientErrorNamingThePart() {
    let parts: JSONValue = .array([
        .object([("type", .string("text")), ("text", .string("What is this?"))]),
        .object([("type", .string("image_url")), ("image_url", .object([("url", .string("https://x/y.png"))]))]),
    ])
    let error = renderError(.llama3, [message("system", "s"), message("user", parts)])
    #expect(error?.kind == .invalidRequest)
    #expect(error?.param == "messages[1].content[1].type")
    #expect(error?.message.contains("'image_url'") == true)
}

@Test func toolResultsUseIpythonForLlama3AndAreRefusedWhereThereIsNoToolRole() throws {
    let messages = [message("user", "Weather?"), message("tool", " 21 °C ")]
    #expect(
        try render(.llama3, messages)
            == "<|start_header_id|>user<|end_header_id|>\n\nWeather?<|eot_id|>"
            + "<|start_header_id|>ipython<|end_header_id|>\n\n21 °C<|eot_id|>"
            + "<|start_header_id|>assistant<|end_header_id|>\n\n")
    for template in [PromptTemplate.chatml, .mistral, .gemma, .deepseek] {
        let error = renderError(template, messages)
        #expect(error?.kind == .invalidRequest, "\(template.name)")
        #expect(error?.param == "messages[1].role", "\(template.name)")
    }
}

@Test func assistantToolCallsAreRefused() {
    let call: JSONValue = .object([
        ("role", .string("assistant")), ("content", .null),
        (
            "tool_calls",
            .array([
                .object([
                    ("id", .string("call_1")), ("type", .string("function")),
                    ("function", .object([("name", .string("f")), ("arguments", .string("{}"))])),
                ])
            ])
        ),
    ])
    let error = renderError(.llama3, [message("user", "hi"), call])
    #expect(error?.param == "messages[1].tool_calls")
}

@Test func systemWithoutSystemRoleJoinsTheNextUserTurnWherever() throws {
    // Gemma's and Mistral's templates refuse these conversations; they are rendered instead.
    let messages = [
        message("user", "Hi"), message("assistant", "Hello"), message("system", "Now answer in French."),
        message("developer", "Be brief."), message("user", "Who are you"),
    ]
    #expect(
        try render(.gemma, messages)
            == "<start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\nHello<end_of_turn>\n"
            + "<start_of_turn>user\nNow answer in French.\n\nBe brief.\n\nWho are you<end_of_turn>\n"
            + "<start_of_turn>model\n")
    // With no user message after it, the system text is a user turn of its own.
    #expect(try render(.mistral, [message("system", "Say hi.")]) == " [INST] Say hi. [/INST]")
}

@Test func deepseekGathersSystemTextsAtTheStartAndDropsEarlierReasoning() throws {
    let messages = [
        message("system", "A"), message("user", "Q1"), message("assistant", "<think>\nhmm\n</think>\n\nA1"),
        message("system", "B"), message("user", "Q2"),
    ]
    #expect(
        try render(.deepseek, messages)
            == "A\n\nB<｜User｜>Q1<｜Assistant｜>\n\nA1<｜end▁of▁sentence｜><｜User｜>Q2<｜Assistant｜>")
}

@Test func unknownRoleAndBadContentAreClientErrors() {
    #expect(renderError(.chatml, [message("narrator", "x")])?.param == "messages[0].role")
    #expect(renderError(.chatml, [message("user", .number("3"))])?.param == "messages[0].content")
}
