import GatewayWire

/// Folds a model's events into the one `message` object a non-streamed request answers with.
/// https://docs.anthropic.com/en/api/messages (response)
///
/// Blocks are cut as the stream renderer cuts them (`AnthropicBlockSequence`). A tool call's arguments
/// become its `input` object; arguments that are not a JSON object (a container's malformed output) give
/// `{}` rather than a body the client cannot parse. `id` and `model` (the client's name) come from the
/// caller, so an answer is a pure function of its events.
package struct AnthropicMessageAssembler {
    private enum Block {
        case text(String)
        case thinking(String)
        case tool(id: String, name: String, arguments: String)
    }

    package let id: String
    package let model: String
    package var inputTokenEstimate: Int
    private var sequence = AnthropicBlockSequence()
    private var blocks: [Block] = []
    private var finishReason: String?
    private var reportedUsage: Usage?
    private var generatedEvents = 0

    package init(id: String, model: String, inputTokenEstimate: Int) {
        self.id = id
        self.model = model
        self.inputTokenEstimate = inputTokenEstimate
    }

    package mutating func add(_ event: ModelEvent) {
        switch event {
        case .content(0, let text) where !text.isEmpty:
            generatedEvents += 1
            if sequence.current != .text { open(.text, .text("")) }
            if case .text(let so) = blocks[sequence.index] { blocks[sequence.index] = .text(so + text) }
        case .reasoning(0, let text) where !text.isEmpty:
            generatedEvents += 1
            if sequence.current != .thinking { open(.thinking, .thinking("")) }
            if case .thinking(let so) = blocks[sequence.index] { blocks[sequence.index] = .thinking(so + text) }
        case .toolCall(0, let call):
            generatedEvents += 1
            if sequence.current != .tool(call: call.index) {
                let id = call.id ?? AnthropicMessageID.toolUse(messageID: self.id, block: sequence.count)
                open(.tool(call: call.index), .tool(id: id, name: call.name ?? "", arguments: ""))
            }
            if case .tool(let id, let name, let arguments) = blocks[sequence.index] {
                blocks[sequence.index] = .tool(id: id, name: name, arguments: arguments + call.arguments)
            }
        case .finish(0, let reason):
            finishReason = reason
        case .usage(let usage):
            reportedUsage = usage
        default:
            break
        }
    }

    package mutating func add<S: Sequence>(contentsOf events: S) where S.Element == ModelEvent {
        for event in events { add(event) }
    }

    package var usage: Usage {
        reportedUsage ?? Usage(promptTokens: inputTokenEstimate, completionTokens: generatedEvents)
    }

    package func json() -> JSONValue {
        .object([
            ("id", .string(id)),
            ("type", .string("message")),
            ("role", .string("assistant")),
            ("model", .string(model)),
            ("content", .array(blocks.map(Self.blockJSON))),
            (
                "stop_reason",
                .string(AnthropicStopReason.from(finishReason: finishReason, sawToolUse: sequence.sawToolUse))
            ),
            ("stop_sequence", .null),
            ("usage", AnthropicUsage.json(input: usage.promptTokens, output: usage.completionTokens)),
        ])
    }

    package func bytes() -> [UInt8] { JSONWriter.bytes(json()) }

    private mutating func open(_ kind: AnthropicBlockSequence.Kind, _ block: Block) {
        _ = sequence.close()
        _ = sequence.open(kind)
        blocks.append(block)
    }

    private static func blockJSON(_ block: Block) -> JSONValue {
        switch block {
        case .text(let text): return .object([("type", .string("text")), ("text", .string(text))])
        case .thinking(let text):
            return .object([("type", .string("thinking")), ("thinking", .string(text)), ("signature", .string(""))])
        case .tool(let id, let name, let arguments):
            return .object([
                ("type", .string("tool_use")), ("id", .string(id)), ("name", .string(name)),
                ("input", input(arguments)),
            ])
        }
    }

    private static func input(_ arguments: String) -> JSONValue {
        guard let parsed = try? JSONParser.parse(Array(arguments.utf8)), case .object = parsed else {
            return .object([])
        }
        return parsed
    }
}
