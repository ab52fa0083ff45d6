import GatewayWire

/// Folds a model's events into the one `chat.completion` object a non-streamed request answers with.
/// https://platform.openai.com/docs/api-reference/chat/object
///
/// `id`, `created` and `model` (the name the client asked for) come from the caller, so a response is a
/// pure function of its events and testable byte for byte.
package struct ChatCompletionAssembler {
    private struct ToolCall {
        var id: String?
        var name: String?
        var arguments = ""
    }

    private struct Choice {
        var content: String?
        var reasoning: String?
        var toolCalls: [Int: ToolCall] = [:]
        var finishReason: String?
    }

    package let id: String
    package let created: Int
    package let model: String
    /// Prompt tokens to report when the container sends no usage (see `UsageEstimate`).
    package var promptTokenEstimate: Int {
        get { tally.promptTokenEstimate }
        set { tally.promptTokenEstimate = newValue }
    }
    /// The message field reasoning text goes in; the model's `reasoning_output`, from the `accepted` frame.
    package var reasoningField = ReasoningField.reasoningContent
    /// Choice 0, nearly always the only one: kept out of `choices` so that a token costs no hashing.
    private var first: Choice?
    /// Every other choice.
    private var choices: [Int: Choice] = [:]
    private var tally: UsageTally

    package init(id: String, created: Int, model: String, promptTokenEstimate: Int = 0) {
        self.id = id
        self.created = created
        self.model = model
        tally = UsageTally(promptTokenEstimate: promptTokenEstimate)
    }

    package mutating func add(_ event: ModelEvent) {
        tally.observe(event)
        switch event {
        // Appended in place: rebuilding the text from a copy of it made every token copy all before it.
        case .content(let index, let text):
            updateChoice(index) { $0.content.append(orStart: text) }
        case .reasoning(let index, let text):
            updateChoice(index) { $0.reasoning.append(orStart: text) }
        case .toolCall(let index, let delta):
            var call = (index == 0 ? first : choices[index])?.toolCalls[delta.index] ?? ToolCall()
            if call.id == nil { call.id = delta.id }
            // Names come whole in one delta; some containers repeat them in every delta.
            if let name = delta.name, call.name != name { call.name = (call.name ?? "") + name }
            call.arguments += delta.arguments
            updateChoice(index) { $0.toolCalls[delta.index] = call }
        case .finish(let index, let reason):
            updateChoice(index) { $0.finishReason = reason }
        case .usage, .logprobs:
            break
        }
    }

    /// Updates the choice at `index`, made empty on first use. A method, not a `_modify` subscript: the
    /// subscript's coroutine allocated its frame on every token.
    private mutating func updateChoice(_ index: Int, _ update: (inout Choice) -> Void) {
        if index == 0 {
            if first == nil { first = Choice() }
            // In place: the text it gathers stays uniquely referenced and grows without a copy.
            update(&first!)
        } else {
            update(&choices[index, default: Choice()])
        }
    }

    /// Every choice by index, for the paths that are not per request.
    private var allChoices: [Int: Choice] {
        var all = choices
        if let first { all[0] = first }
        return all
    }

    package mutating func add<S: Sequence>(contentsOf events: S) where S.Element == ModelEvent {
        for event in events { add(event) }
    }

    /// The container's usage, else an estimate from the prompt estimate and the number of generated deltas.
    package var usage: Usage {
        tally.usage
    }

    package func json() -> JSONValue {
        // A model that produced nothing still answers with one (empty) choice, as OpenAI always does.
        let all = allChoices
        let present = all.isEmpty ? [0: Choice()] : all
        let rendered = present.keys.sorted().map { index in
            Self.choiceJSON(index: index, present[index] ?? Choice(), reasoningField: reasoningField)
        }
        return .object([
            ("id", .string(id)),
            ("object", .string("chat.completion")),
            ("created", .int(created)),
            ("model", .string(model)),
            ("choices", .array(rendered)),
            ("usage", UsageEstimate.json(usage)),
        ])
    }

    /// The same bytes as `JSONWriter.bytes(json())`, written directly: building the `JSONValue` tree
    /// first cost an allocation per member and most of a non-streamed response's rendering time.
    package func bytes() -> [UInt8] {
        var out: [UInt8] = []
        // The text gathered too, so that a long answer is not copied as the buffer grows.
        let text = (first?.content?.utf8.count ?? 0) + (first?.reasoning?.utf8.count ?? 0)
        out.reserveCapacity(448 + id.utf8.count + model.utf8.count + text)
        out.append(literal: #"{"id":"#)
        JSONWriter.writeString(id, into: &out)
        out.append(literal: #","object":"chat.completion","created":"#)
        JSONWriter.writeInt(created, into: &out)
        out.append(literal: #","model":"#)
        JSONWriter.writeString(model, into: &out)
        out.append(literal: #","choices":["#)
        if choices.isEmpty {
            // A model that produced nothing still answers with one (empty) choice, as OpenAI always does.
            Self.writeChoice(index: 0, first ?? Choice(), reasoningField: reasoningField, into: &out)
        } else {
            let all = allChoices
            for (position, index) in all.keys.sorted().enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeChoice(index: index, all[index] ?? Choice(), reasoningField: reasoningField, into: &out)
            }
        }
        let usage = self.usage
        out.append(literal: #"],"usage":{"prompt_tokens":"#)
        JSONWriter.writeInt(usage.promptTokens, into: &out)
        out.append(literal: #","completion_tokens":"#)
        JSONWriter.writeInt(usage.completionTokens, into: &out)
        out.append(literal: #","total_tokens":"#)
        JSONWriter.writeInt(usage.totalTokens, into: &out)
        out.append(literal: "}}")
        return out
    }

    private static func writeChoice(
        index: Int, _ choice: Choice, reasoningField: ReasoningField, into out: inout [UInt8]
    ) {
        out.append(literal: #"{"index":"#)
        JSONWriter.writeInt(index, into: &out)
        out.append(literal: #","message":{"role":"assistant","content":"#)
        let hasCalls = !choice.toolCalls.isEmpty
        if let content = choice.content {
            JSONWriter.writeString(content, into: &out)
        } else {
            out.append(literal: hasCalls ? "null" : #""""#)
        }
        out.append(literal: #","refusal":null"#)
        if hasCalls {
            out.append(literal: #","tool_calls":["#)
            for (position, callIndex) in choice.toolCalls.keys.sorted().enumerated() {
                let call = choice.toolCalls[callIndex] ?? ToolCall()
                if position > 0 { out.append(UInt8(ascii: ",")) }
                out.append(literal: #"{"id":"#)
                JSONWriter.writeString(call.id ?? "call_\(index)_\(callIndex)", into: &out)
                out.append(literal: #","type":"function","function":{"name":"#)
                JSONWriter.writeString(call.name ?? "", into: &out)
                out.append(literal: #","arguments":"#)
                JSONWriter.writeString(call.arguments, into: &out)
                out.append(literal: "}}")
            }
            out.append(UInt8(ascii: "]"))
        }
        if let reasoning = choice.reasoning {
            out.append(UInt8(ascii: ","))
            JSONWriter.writeString(reasoningField.rawValue, into: &out)
            out.append(UInt8(ascii: ":"))
            JSONWriter.writeString(reasoning, into: &out)
        }
        out.append(literal: #"},"logprobs":null,"finish_reason":"#)
        JSONWriter.writeString(choice.finishReason ?? (hasCalls ? "tool_calls" : "stop"), into: &out)
        out.append(UInt8(ascii: "}"))
    }

    private static func choiceJSON(index: Int, _ choice: Choice, reasoningField: ReasoningField) -> JSONValue {
        let calls = choice.toolCalls.keys.sorted().map { callIndex -> JSONValue in
            let call = choice.toolCalls[callIndex] ?? ToolCall()
            return .object([
                // Clients echo the id back in the tool message; a container that gave none still needs one.
                ("id", .string(call.id ?? "call_\(index)_\(callIndex)")),
                ("type", .string("function")),
                ("function", .object([("name", .string(call.name ?? "")), ("arguments", .string(call.arguments))])),
            ])
        }
        var message: [(String, JSONValue)] = [("role", .string("assistant"))]
        if let content = choice.content {
            message.append(("content", .string(content)))
        } else {
            message.append(("content", calls.isEmpty ? .string("") : .null))
        }
        // OpenAI's spec requires `refusal` in every message; open models never refuse in a separate field.
        message.append(("refusal", .null))
        if !calls.isEmpty { message.append(("tool_calls", .array(calls))) }
        if let reasoning = choice.reasoning { message.append((reasoningField.rawValue, .string(reasoning))) }
        let finish = choice.finishReason ?? (calls.isEmpty ? "stop" : "tool_calls")
        return .object([
            ("index", .int(index)),
            ("message", .object(message)),
            ("logprobs", .null),
            ("finish_reason", .string(finish)),
        ])
    }
}

extension String? {
    fileprivate mutating func append(orStart text: String) {
        if self == nil { self = text } else { self?.append(text) }
    }
}
