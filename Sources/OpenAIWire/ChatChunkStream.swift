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
    /// Every chunk's bytes up to its one choice's index (`data: {"id":…,"choices":[{"index":`), and after a
    /// choice's delta when it has no finish reason (`,"logprobs":null,"finish_reason":null}]…}\n\n`), written
    /// once per stream: the envelope is the same for every token, and rebuilding it as a `JSONValue` tree per
    /// token was the shim's largest cost per chunk. As two pieces, not five: each append of a piece had a
    /// fixed cost of some 100 instructions, and each static piece a retain and release besides.
    private let choiceOpen: [UInt8]
    private let openChoiceClose: [UInt8]
    /// What follows the choice of a chunk: `]}\n\n`, or `],"usage":null}\n\n` with `include_usage`.
    private let tail: StaticString

    package init(id: String, created: Int, model: String, includeUsage: Bool, promptTokenEstimate: Int = 0) {
        self.id = id
        self.created = created
        self.model = model
        self.includeUsage = includeUsage
        tally = UsageTally(promptTokenEstimate: promptTokenEstimate)
        // Each piece written once into a buffer reserved for the whole, from static strings: arrays made of
        // literals' UTF-8 views, grown piece by piece, and `created` as a `JSONValue` cost some 5,000
        // instructions a stream.
        var head: [UInt8] = []
        head.reserveCapacity(96 + id.utf8.count + model.utf8.count)
        head.append(literal: #"data: {"id":"#)
        JSONWriter.writeString(id, into: &head)
        head.append(literal: #","object":"chat.completion.chunk","created":"#)
        JSONWriter.writeInt(created, into: &head)
        head.append(literal: #","model":"#)
        JSONWriter.writeString(model, into: &head)
        head.append(literal: #","choices":[{"index":"#)
        choiceOpen = head
        let tail: StaticString = includeUsage ? "],\"usage\":null}\n\n" : "]}\n\n"
        self.tail = tail
        var close: [UInt8] = []
        close.reserveCapacity(48 + tail.utf8CodeUnitCount)
        close.append(literal: Self.finishReasonLabel)
        close.append(literal: "null}")
        close.append(literal: tail)
        openChoiceClose = close
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
            if !text.isEmpty { textChunk(index, field: .content, text: text, into: &out) }
        case .reasoning(let index, let text):
            start(index, into: &out)
            if !text.isEmpty {
                let field: TextField = reasoningField == .reasoningContent ? .reasoningContent : .reasoning
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
            chunk(index, finishReason: reason, into: &out) { $0.append(literal: Self.emptyDelta) }
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
                $0.append(literal: Self.emptyDelta)
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
        chunk(index, into: &out) { $0.append(literal: Self.roleDelta) }
    }

    // The fixed bytes of a choice, written as bytes: building a `JSONValue` tree for each token and
    // serialising it was most of the shim's cost per streamed chunk. Static strings, not static arrays: an
    // array paid a lazy-initialization check and a retain and release for each use.
    private static let roleDelta: StaticString = #"{"role":"assistant","content":""}"#
    private static let emptyDelta: StaticString = "{}"
    /// After a choice's delta, before its finish reason (`null` in `openChoiceClose`).
    private static let finishReasonLabel: StaticString = #","logprobs":null,"finish_reason":"#

    /// The delta of a text chunk up to its string value, with the `"delta":` before it.
    private enum TextField {
        case content, reasoningContent, reasoning

        var deltaOpen: StaticString {
            switch self {
            case .content: #","delta":{"content":"#
            case .reasoningContent: #","delta":{"reasoning_content":"#
            case .reasoning: #","delta":{"reasoning":"#
            }
        }
    }

    /// A chunk whose delta is one text field, `text` its string value: the common chunk, written in five
    /// appends.
    private func textChunk(_ index: Int, field: TextField, text: String, into out: inout [UInt8]) {
        openChoice(index, into: &out)
        out.append(literal: field.deltaOpen)
        JSONWriter.writeString(text, into: &out)
        out.append(UInt8(ascii: "}"))
        out.append(contentsOf: openChoiceClose)
    }

    /// One SSE chunk: the envelope around a single choice whose delta object `delta` writes.
    private func chunk(
        _ index: Int, finishReason: String? = nil, into out: inout [UInt8], delta: (inout [UInt8]) -> Void
    ) {
        openChoice(index, into: &out)
        out.append(literal: #","delta":"#)
        delta(&out)
        guard let finishReason else { return out.append(contentsOf: openChoiceClose) }
        out.append(literal: Self.finishReasonLabel)
        JSONWriter.writeString(finishReason, into: &out)
        out.append(UInt8(ascii: "}"))
        out.append(literal: tail)
    }

    /// The envelope up to the choice's `"index":` value, and the value.
    private func openChoice(_ index: Int, into out: inout [UInt8]) {
        out.append(contentsOf: choiceOpen)
        if (0..<10).contains(index) {
            out.append(UInt8(ascii: "0") + UInt8(index))
        } else {
            out.append(contentsOf: String(index).utf8)
        }
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
