import GatewayWire

/// Folds a model's typed events into a response's `output` items and says which stream events each one
/// causes, so the streamed answer and the whole one are built by the same state machine.
/// https://platform.openai.com/docs/api-reference/responses-streaming
///
/// Items follow the model: reasoning text opens a `reasoning` item, content a `message`, each tool call a
/// `function_call`; whatever was open closes when the next kind starts (`*.done` events), and the last
/// one at `finish()`. Only choice 0 is read: the Responses API has no `n`.
struct ResponseOutput {
    /// Item ids are built from the response id's random part: `rs_<stem>_<n>`, `msg_…`, `fc_…`.
    let idStem: String
    /// Input tokens to report when the container sends no usage (see `UsageEstimate`).
    let promptTokenEstimate: Int
    private(set) var items: [ResponseOutputItem] = []
    private var open: Int?
    private(set) var finishReason: String?
    private var reportedUsage: Usage?
    private var generatedEvents = 0
    private var reasoningEvents = 0

    init(idStem: String, promptTokenEstimate: Int) {
        self.idStem = idStem
        self.promptTokenEstimate = promptTokenEstimate
    }

    mutating func add(_ event: ModelEvent) -> [ResponseStreamEvent] {
        switch event {
        case .content(let choice, let text):
            guard choice == 0, !text.isEmpty else { return [] }
            generatedEvents += 1
            return appendText(text, kind: .message)
        case .reasoning(let choice, let text):
            guard choice == 0, !text.isEmpty else { return [] }
            generatedEvents += 1
            reasoningEvents += 1
            return appendText(text, kind: .reasoning)
        case .toolCall(let choice, let delta):
            guard choice == 0 else { return [] }
            generatedEvents += 1
            return appendCall(delta)
        case .finish(let choice, let reason):
            if choice == 0 { finishReason = reason }
            return []
        case .usage(let usage):
            reportedUsage = usage
            return []
        case .logprobs:
            return []
        }
    }

    /// Closes the open item: `incomplete` when the model was cut off, else `completed`. Idempotent.
    mutating func finish() -> [ResponseStreamEvent] {
        close(status: incompleteReason == nil ? "completed" : "incomplete")
    }

    /// `incomplete_details.reason` for the model's finish reason, or `nil` when it finished normally.
    var incompleteReason: String? {
        switch finishReason {
        case "length"?: return "max_output_tokens"
        case "content_filter"?: return "content_filter"
        default: return nil
        }
    }

    /// The container's usage, else an estimate: one token per generated delta (see `UsageEstimate`).
    var usage: Usage {
        reportedUsage ?? Usage(promptTokens: promptTokenEstimate, completionTokens: generatedEvents)
    }

    /// Reasoning deltas counted as tokens: containers report no breakdown of their output tokens.
    var reasoningTokens: Int { min(reasoningEvents, usage.completionTokens) }

    var usageJSON: JSONValue {
        let usage = self.usage
        return .object([
            ("input_tokens", .int(usage.promptTokens)),
            ("input_tokens_details", .object([("cached_tokens", .int(0)), ("cache_write_tokens", .int(0))])),
            ("output_tokens", .int(usage.completionTokens)),
            ("output_tokens_details", .object([("reasoning_tokens", .int(reasoningTokens))])),
            ("total_tokens", .int(usage.totalTokens)),
        ])
    }

    // MARK: items

    private mutating func appendText(_ text: String, kind: ResponseOutputItem.Kind) -> [ResponseStreamEvent] {
        var events: [ResponseStreamEvent] = []
        let index: Int
        if let open, items[open].kind == kind {
            index = open
        } else {
            events += close(status: "completed")
            index = start(kind, events: &events)
        }
        items[index].text += text
        let item = items[index]
        if kind == .reasoning {
            events.append(
                ResponseStreamEvent(
                    "response.reasoning_text.delta",
                    [
                        ("item_id", .string(item.id)), ("output_index", .int(index)), ("content_index", .int(0)),
                        ("delta", .string(text)),
                    ]))
        } else {
            events.append(
                ResponseStreamEvent(
                    "response.output_text.delta",
                    [
                        ("item_id", .string(item.id)), ("output_index", .int(index)), ("content_index", .int(0)),
                        ("delta", .string(text)), ("logprobs", .array([])),
                    ]))
        }
        return events
    }

    private mutating func appendCall(_ delta: ToolCallDelta) -> [ResponseStreamEvent] {
        var events: [ResponseStreamEvent] = []
        let kind = ResponseOutputItem.Kind.functionCall(index: delta.index)
        let index: Int
        if let open, items[open].kind == kind {
            index = open
            if items[index].name.isEmpty, let name = delta.name { items[index].name = name }
        } else if let earlier = items.firstIndex(where: { $0.kind == kind }) {
            // A container that returns to a finished call: its `done` events are out, the final object
            // still gets the whole arguments.
            items[earlier].text += delta.arguments
            return []
        } else {
            events += close(status: "completed")
            var item = ResponseOutputItem(kind: kind, id: itemID("fc", items.count))
            // Clients echo `call_id` back in `function_call_output`; a container that gave none still needs one.
            item.callID = delta.id ?? "call_\(idStem)_\(delta.index)"
            item.name = delta.name ?? ""
            items.append(item)
            open = items.count - 1
            index = items.count - 1
            events.append(
                ResponseStreamEvent("response.output_item.added", [("output_index", .int(index)), ("item", item.json)]))
        }
        guard !delta.arguments.isEmpty else { return events }
        items[index].text += delta.arguments
        events.append(
            ResponseStreamEvent(
                "response.function_call_arguments.delta",
                [
                    ("item_id", .string(items[index].id)), ("output_index", .int(index)),
                    ("delta", .string(delta.arguments)),
                ]
            ))
        return events
    }

    /// Adds a reasoning or message item: `output_item.added`, then its (empty) `content_part.added`.
    private mutating func start(_ kind: ResponseOutputItem.Kind, events: inout [ResponseStreamEvent]) -> Int {
        let item = ResponseOutputItem(kind: kind, id: itemID(kind == .reasoning ? "rs" : "msg", items.count))
        items.append(item)
        let index = items.count - 1
        open = index
        events.append(
            ResponseStreamEvent("response.output_item.added", [("output_index", .int(index)), ("item", item.json)]))
        events.append(
            ResponseStreamEvent(
                "response.content_part.added",
                [
                    ("item_id", .string(item.id)), ("output_index", .int(index)), ("content_index", .int(0)),
                    ("part", item.part),
                ]))
        return index
    }

    private mutating func close(status: String) -> [ResponseStreamEvent] {
        guard let index = open else { return [] }
        open = nil
        items[index].status = status
        let item = items[index]
        let id: (String, JSONValue) = ("item_id", .string(item.id))
        let position: (String, JSONValue) = ("output_index", .int(index))
        var events: [ResponseStreamEvent] = []
        switch item.kind {
        case .message:
            events.append(
                ResponseStreamEvent(
                    "response.output_text.done",
                    [id, position, ("content_index", .int(0)), ("text", .string(item.text)), ("logprobs", .array([]))]))
        case .reasoning:
            events.append(
                ResponseStreamEvent(
                    "response.reasoning_text.done",
                    [id, position, ("content_index", .int(0)), ("text", .string(item.text))]
                ))
        case .functionCall:
            events.append(
                ResponseStreamEvent(
                    "response.function_call_arguments.done",
                    [id, position, ("name", .string(item.name)), ("arguments", .string(item.text))]))
        }
        if item.kind == .message || item.kind == .reasoning {
            events.append(
                ResponseStreamEvent(
                    "response.content_part.done", [id, position, ("content_index", .int(0)), ("part", item.part)]))
        }
        events.append(ResponseStreamEvent("response.output_item.done", [position, ("item", item.json)]))
        return events
    }

    private func itemID(_ prefix: String, _ index: Int) -> String { "\(prefix)_\(idStem)_\(index)" }
}
