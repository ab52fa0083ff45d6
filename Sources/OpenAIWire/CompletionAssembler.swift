import GatewayWire

/// Folds a model's events into the one `text_completion` object a non-streamed `POST /v1/completions`
/// answers with. https://platform.openai.com/docs/api-reference/completions/object
///
/// `id`, `created` and `model` (the name the client asked for) come from the caller, so the answer is a
/// pure function of its events.
package struct CompletionAssembler {
    private struct Choice {
        var text = ""
        var logprobs = CompletionLogprobs()
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
        case .content(let index, let text): choices[index, default: Choice()].text += text
        case .logprobs(let index, let value): choices[index, default: Choice()].logprobs.add(value)
        case .finish(let index, let reason): choices[index, default: Choice()].finishReason = reason
        case .usage: break  // the tally has it
        case .reasoning, .toolCall: break
        }
    }

    package mutating func add<S: Sequence>(contentsOf events: S) where S.Element == ModelEvent {
        for event in events { add(event) }
    }

    package var usage: Usage {
        tally.usage
    }

    package func json() -> JSONValue {
        let present = choices.isEmpty ? [0: Choice()] : choices
        let rendered = present.keys.sorted().map { index -> JSONValue in
            let choice = present[index] ?? Choice()
            return .object([
                ("text", .string(choice.text)),
                ("index", .int(index)),
                ("logprobs", choice.logprobs.isEmpty ? .null : choice.logprobs.json),
                ("finish_reason", .string(choice.finishReason ?? "stop")),
            ])
        }
        return .object([
            ("id", .string(id)),
            ("object", .string("text_completion")),
            ("created", .int(created)),
            ("model", .string(model)),
            ("choices", .array(rendered)),
            ("usage", UsageEstimate.json(usage)),
        ])
    }

    package func bytes() -> [UInt8] { JSONWriter.bytes(json()) }
}
