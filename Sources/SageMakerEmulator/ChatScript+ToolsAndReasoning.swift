import GatewayWire

/// The parts of a chat answer beyond plain text: `n` choices, reasoning before the answer (`[reasoning=N]`
/// in the field `[reasoning_field=...]` names), and tool calls (`[tool_call=name]`, or what `tool_choice`
/// forces). Refused the way vLLM refuses them, with a 400.
extension ChatScript {
    /// The script with `n`, reasoning, tool calls and structured output added; or vLLM's 400.
    func addingChoicesReasoningAndTools(_ request: JSONValue, _ directives: Directives, echoed: String)
        -> Result<ChatScript, Failure>
    {
        var script = self
        if let failure = script.addChoicesReasoningAndTools(request, directives, echoed: echoed) {
            return .failure(failure)
        }
        return .success(script)
    }

    private mutating func addChoicesReasoningAndTools(
        _ request: JSONValue, _ directives: Directives, echoed: String
    ) -> Failure? {
        if let n = request["n"], !n.isNull {
            guard let count = n.intValue, (1...16).contains(count) else {
                return Self.vllmError(400, "BadRequestError", "n must be in 1...16")
            }
            choiceCount = count
        }
        if directives.echoRequest {
            tokens = Self.words(JSONWriter.string(request))
            finishReason = "stop"
        } else if let json = Self.structuredAnswer(request["response_format"], text: echoed) {
            tokens = ScriptedToolCall.fragments(of: json)
            finishReason = "stop"
        }
        if let count = directives.reasoningTokens {
            reasoningTokens = (0..<count).map { $0 == 0 ? "r1" : " r\($0 + 1)" }
        }
        switch directives.reasoningField {
        case "both"?: reasoningFields = ["reasoning_content", "reasoning"]
        case let field?: reasoningFields = [field]
        case nil: break
        }
        switch Self.toolCalls(request, directives, echoed: echoed) {
        case .failure(let failure): return failure
        case .success(let calls) where !calls.isEmpty:
            toolCalls = calls
            tokens = []
            failAfter = nil
            finishReason = "tool_calls"
        case .success: break
        }
        return nil
    }

    /// What guided decoding makes of `response_format`: an instance of the `json_schema`, or for
    /// `json_object` an object holding the user's words.
    private static func structuredAnswer(_ format: JSONValue?, text: String) -> String? {
        switch format?["type"]?.stringValue {
        case "json_schema"?:
            return JSONWriter.string(
                ScriptedToolCall.instance(of: format?["json_schema"]?["schema"] ?? .null, text: text))
        case "json_object"?:
            return JSONWriter.string(.object([("answer", .string(text))]))
        default: return nil
        }
    }

    /// `tool_choice: "none"` calls nothing; a forced function is called; `"required"` calls the first tool
    /// unless directives name others; `parallel_tool_calls: false` keeps the first call only. Directives
    /// call nothing once the last message is a `tool` result.
    private static func toolCalls(_ request: JSONValue, _ directives: Directives, echoed: String) -> Result<
        [ScriptedToolCall], Failure
    > {
        let tools = request["tools"]?.arrayValue ?? []
        let choice = request["tool_choice"]
        // A model just handed a tool's result answers it in text, so an agent loop ends.
        let answering = request["messages"]?.arrayValue?.last?["role"]?.stringValue == "tool"
        var names = answering ? [] : directives.toolCalls
        if choice?.stringValue == "none" { return .success([]) }
        if let forced = choice?["function"]?["name"]?.stringValue {
            names = names.isEmpty ? [forced] : names
        } else if choice?.stringValue == "required", names.isEmpty, let first = tools.first {
            names = [first["function"]?["name"]?.stringValue ?? ""]
        }
        if request["parallel_tool_calls"]?.boolValue == false { names = Array(names.prefix(1)) }
        var calls: [ScriptedToolCall] = []
        for name in names {
            guard let tool = tools.first(where: { $0["function"]?["name"]?.stringValue == name }) else {
                return .failure(vllmError(400, "BadRequestError", "Tool '\(name)' has not been passed in `tools`."))
            }
            calls.append(ScriptedToolCall(name: name, arguments: ScriptedToolCall.arguments(for: tool, text: echoed)))
        }
        return .success(calls)
    }
}
