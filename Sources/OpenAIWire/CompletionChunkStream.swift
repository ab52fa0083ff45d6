import GatewayWire

/// Renders a model's events as the `text_completion` SSE stream OpenAI sends for a streamed
/// `POST /v1/completions`: every chunk is a `text_completion` object whose choices carry `text`.
/// https://platform.openai.com/docs/api-reference/completions/create (stream)
///
/// Log probabilities ride on the chunk of the text they describe: a `.logprobs` event is held until
/// the next chunk of its choice. With `include_usage`, chunks have `"usage":null` and one last chunk
/// with empty `choices` carries the usage, estimated when the container gave none.
package struct CompletionChunkStream {
    package let id: String
    package let created: Int
    package let model: String
    package let includeUsage: Bool
    /// Prompt tokens to report when the container sends no usage (see `UsageEstimate`).
    package var promptTokenEstimate: Int {
        get { tally.promptTokenEstimate }
        set { tally.promptTokenEstimate = newValue }
    }

    private var started: [Int] = []
    private var finished: Set<Int> = []
    private var pendingLogprobs: [Int: CompletionLogprobs] = [:]
    private var tally: UsageTally
    private var ended = false

    package init(id: String, created: Int, model: String, includeUsage: Bool, promptTokenEstimate: Int = 0) {
        self.id = id
        self.created = created
        self.model = model
        self.includeUsage = includeUsage
        tally = UsageTally(promptTokenEstimate: promptTokenEstimate)
    }

    package mutating func render(_ event: ModelEvent) -> [UInt8] {
        guard !ended else { return [] }
        tally.observe(event)
        switch event {
        case .content(let index, let text):
            guard !text.isEmpty || pendingLogprobs[index] != nil else { return [] }
            return chunk(index, text: text)
        case .finish(let index, let reason):
            guard !finished.contains(index) else { return [] }
            finished.insert(index)
            return chunk(index, text: "", finishReason: reason)
        case .logprobs(let index, let value):
            pendingLogprobs[index, default: CompletionLogprobs()].add(value)
            return []
        case .usage:
            // Held for the end (the tally has it).
            return []
        case .reasoning, .toolCall:
            // Chat-only output; a completions answer has text alone.
            return []
        }
    }

    /// Closes every choice the container left open (`stop`), adds the usage chunk when asked for, then
    /// `[DONE]`. Idempotent.
    package mutating func finish() -> [UInt8] {
        guard !ended else { return [] }
        var out: [UInt8] = []
        if started.isEmpty {
            finished.insert(0)
            out += chunk(0, text: "", finishReason: "stop")
        }
        for index in started where !finished.contains(index) {
            finished.insert(index)
            out += chunk(index, text: "", finishReason: "stop")
        }
        if includeUsage { out += ServerSentEvents.data(envelope(choices: [], usage: UsageEstimate.json(usage))) }
        out += ServerSentEvents.done
        ended = true
        return out
    }

    /// The container's usage, else the prompt estimate and the number of generated text events.
    package var usage: Usage {
        tally.usage
    }

    private mutating func chunk(_ index: Int, text: String, finishReason: String? = nil) -> [UInt8] {
        if !started.contains(index) { started.append(index) }
        let logprobs = pendingLogprobs.removeValue(forKey: index)
        let choice = JSONValue.object([
            ("text", .string(text)),
            ("index", .int(index)),
            ("logprobs", logprobs?.json ?? .null),
            ("finish_reason", finishReason.map(JSONValue.string) ?? .null),
        ])
        return ServerSentEvents.data(envelope(choices: [choice], usage: .null))
    }

    private func envelope(choices: [JSONValue], usage: JSONValue) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .string(id)),
            ("object", .string("text_completion")),
            ("created", .int(created)),
            ("model", .string(model)),
            ("choices", .array(choices)),
        ]
        if includeUsage { members.append(("usage", usage)) }
        return .object(members)
    }
}
