import GatewayWire

/// Renders a model's events as the `chat.completion.chunk` SSE stream OpenAI sends for `stream: true`.
/// https://platform.openai.com/docs/api-reference/chat-streaming/streaming
///
/// Each choice opens with `{"role":"assistant","content":""}` and closes with an empty delta carrying
/// `finish_reason`. With `include_usage`, every chunk has `"usage":null` and one last chunk with empty
/// `choices` carries the usage. `finish()` closes what the container left open and writes `[DONE]`.
package struct ChatChunkStream {
    package let id: String
    package let created: Int
    package let model: String
    package let includeUsage: Bool
    /// Prompt tokens to report when the container sends no usage (see `UsageEstimate`).
    package var promptTokenEstimate: Int {
        get { tally.promptTokenEstimate }
        set { tally.promptTokenEstimate = newValue }
    }
    /// The delta field reasoning text goes in; the model's `reasoning_output`, from the `accepted` frame.
    package var reasoningField = ReasoningField.reasoningContent

    /// Choices that have had their role chunk, in the order they started, and whether each is finished.
    private var started: [Int] = []
    private var finished: Set<Int> = []
    private var sawToolCall: Set<Int> = []
    /// `[choice, call index]` of tool calls whose id went out: a container that repeats the id (and name)
    /// in every delta must not make clients that concatenate fragments read `call_1call_1`.
    private var announcedCalls: Set<[Int]> = []
    private var tally: UsageTally
    private var ended = false
    /// Every chunk's bytes before and after its one choice (`data: {"id":…,"choices":[` and `]…}\n\n`),
    /// written once per stream: the envelope is the same for every token, and rebuilding it as a `JSONValue`
    /// tree per token was the shim's largest cost per chunk.
    private let head: [UInt8]
    private let tail: [UInt8]

    package init(id: String, created: Int, model: String, includeUsage: Bool, promptTokenEstimate: Int = 0) {
        self.id = id
        self.created = created
        self.model = model
        self.includeUsage = includeUsage
        tally = UsageTally(promptTokenEstimate: promptTokenEstimate)
        var head = Array("data: {\"id\":".utf8)
        JSONWriter.writeString(id, into: &head)
        head += Array(",\"object\":\"chat.completion.chunk\",\"created\":".utf8)
        JSONWriter.write(.int(created), into: &head)
        head += Array(",\"model\":".utf8)
        JSONWriter.writeString(model, into: &head)
        head += Array(",\"choices\":[".utf8)
        self.head = head
        tail = Array((includeUsage ? "],\"usage\":null}\n\n" : "]}\n\n").utf8)
    }

    /// The SSE bytes for one event: possibly empty (usage is held for the end), possibly two chunks
    /// (a choice's first event is preceded by its role chunk).
    package mutating func render(_ event: ModelEvent) -> [UInt8] {
        var out: [UInt8] = []
        render(event, into: &out)
        return out
    }

    /// `render(_:)` appended to `out`, so a caller that reuses one buffer allocates nothing per token.
    package mutating func render(_ event: ModelEvent, into out: inout [UInt8]) {
        guard !ended else { return }
        tally.observe(event)
        switch event {
        case .content(let index, let text):
            start(index, into: &out)
            // An empty delta tells the client nothing; OpenAI never sends one after the role chunk.
            if !text.isEmpty { textChunk(index, field: Self.contentField, text: text, into: &out) }
        case .reasoning(let index, let text):
            start(index, into: &out)
            if !text.isEmpty {
                let field = reasoningField == .reasoningContent ? Self.reasoningContentField : Self.reasoningField
                textChunk(index, field: field, text: text, into: &out)
            }
        case .toolCall(let index, var call):
            sawToolCall.insert(index)
            if call.id != nil, !announcedCalls.insert([index, call.index]).inserted {
                call.id = nil
                call.name = nil
            }
            var function: [(String, JSONValue)] = []
            if let name = call.name { function.append(("name", .string(name))) }
            function.append(("arguments", .string(call.arguments)))
            var item: [(String, JSONValue)] = [("index", .int(call.index))]
            if let callID = call.id {
                item.append(("id", .string(callID)))
                item.append(("type", .string("function")))
            }
            item.append(("function", .object(function)))
            start(index, into: &out)
            chunk(index, into: &out) { JSONWriter.write(.object([("tool_calls", .array([.object(item)]))]), into: &$0) }
        case .finish(let index, let reason):
            guard !finished.contains(index) else { return }
            start(index, into: &out)
            finished.insert(index)
            chunk(index, finishReason: reason, into: &out) { $0.append(contentsOf: Self.emptyDelta) }
        case .usage:
            // Held for the end (the tally has it).
            break
        case .logprobs:
            // Completions-shaped log probabilities; chat's `choices[].logprobs` has another shape.
            break
        }
    }

    /// The end of a stream: a finish chunk for each choice the container left open (`tool_calls` if it
    /// was calling a tool, else `stop`), the usage chunk when asked for, then `[DONE]`. Idempotent.
    package mutating func finish() -> [UInt8] {
        guard !ended else { return [] }
        var out: [UInt8] = []
        // A container that sent nothing at all still yields one well-formed (empty) choice.
        if started.isEmpty { start(0, into: &out) }
        for index in started where !finished.contains(index) {
            finished.insert(index)
            chunk(index, finishReason: sawToolCall.contains(index) ? "tool_calls" : "stop", into: &out) {
                $0.append(contentsOf: Self.emptyDelta)
            }
        }
        if includeUsage {
            out += ServerSentEvents.data(
                envelope(choices: [], usage: UsageEstimate.json(usage)))
        }
        out += ServerSentEvents.done
        ended = true
        return out
    }

    /// The container's usage, else an estimate from the prompt estimate and the number of generated deltas.
    package var usage: Usage {
        tally.usage
    }

    /// An error after the stream has started: `data: {"error": {...}}`; the caller then closes the stream.
    package static func errorEvent(_ error: GatewayError) -> [UInt8] {
        ServerSentEvents.data(OpenAIErrorMapper.object(for: error))
    }

    package static func keepAlive() -> [UInt8] { ServerSentEvents.keepAlive }

    private mutating func start(_ index: Int, into out: inout [UInt8]) {
        guard !started.contains(index) else { return }
        started.append(index)
        chunk(index, into: &out) { $0.append(contentsOf: Self.roleDelta) }
    }

    // The fixed bytes of a choice, written as bytes: building a `JSONValue` tree for each token and
    // serialising it was most of the shim's cost per streamed chunk.
    private static let roleDelta = Array(#"{"role":"assistant","content":""}"#.utf8)
    private static let emptyDelta = Array("{}".utf8)
    private static let choiceIndex = Array(#"{"index":"#.utf8)
    private static let choiceDelta = Array(#","delta":"#.utf8)
    private static let choiceEnd = Array(#","logprobs":null,"finish_reason":"#.utf8)
    private static let contentField = Array(#"{"content":"#.utf8)
    private static let reasoningContentField = Array(#"{"reasoning_content":"#.utf8)
    private static let reasoningField = Array(#"{"reasoning":"#.utf8)

    /// A chunk whose delta is one text field: `field` is `{"name":`, the text its string value.
    private func textChunk(_ index: Int, field: [UInt8], text: String, into out: inout [UInt8]) {
        chunk(index, into: &out) {
            $0.append(contentsOf: field)
            JSONWriter.writeString(text, into: &$0)
            $0.append(UInt8(ascii: "}"))
        }
    }

    /// One SSE chunk: the envelope around a single choice whose delta object `delta` writes.
    private func chunk(
        _ index: Int, finishReason: String? = nil, into out: inout [UInt8], delta: (inout [UInt8]) -> Void
    ) {
        out.append(contentsOf: head)
        out.append(contentsOf: Self.choiceIndex)
        if (0..<10).contains(index) {
            out.append(UInt8(ascii: "0") + UInt8(index))
        } else {
            out.append(contentsOf: String(index).utf8)
        }
        out.append(contentsOf: Self.choiceDelta)
        delta(&out)
        out.append(contentsOf: Self.choiceEnd)
        if let finishReason {
            JSONWriter.writeString(finishReason, into: &out)
        } else {
            out.append(literal: "null")
        }
        out.append(UInt8(ascii: "}"))
        out.append(contentsOf: tail)
    }

    private func envelope(choices: [JSONValue], usage: JSONValue) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .string(id)),
            ("object", .string("chat.completion.chunk")),
            ("created", .int(created)),
            // No `system_fingerprint`: OpenAI's spec has it as an optional string, never null, and there is none.
            ("model", .string(model)),
            ("choices", .array(choices)),
        ]
        if includeUsage { members.append(("usage", usage)) }
        return .object(members)
    }
}
