import GatewayWire

/// For models configured with `"reasoning": "think-tags"` (DeepSeek-R1 and its distills served as plain
/// text): turns `<think>…</think>` inside content into reasoning events, as OpenAI-compatible servers
/// with a reasoning parser do, even when a tag is split across deltas (`<thi` + `nk>`).
///
/// Many R1 chat templates put the opening `<think>` in the prompt, so the output starts inside the
/// reasoning and only `</think>` appears: `startsInReasoning` covers that, and still swallows an opening
/// tag if the model writes one anyway.
package struct ThinkTagSplitter {
    private struct ChoiceState {
        var inThink: Bool
        /// Still before any text: a leading `<think>` is expected and dropped.
        var atStart: Bool
        /// The tail of the text so far that may be the start of a tag, held until it is decided.
        var held = ""
    }

    private static let open = "<think>"
    private static let close = "</think>"
    private let startsInReasoning: Bool
    private var choices: [Int: ChoiceState] = [:]

    package init(startsInReasoning: Bool = false) {
        self.startsInReasoning = startsInReasoning
    }

    package mutating func process(_ event: ModelEvent) -> [ModelEvent] {
        switch event {
        case .content(let choice, let text):
            return split(text, choice: choice)
        case .finish(let choice, _):
            return flush(choice) + [event]
        default:
            return [event]
        }
    }

    /// At end of stream: text still held back because it looked like the start of a tag.
    package mutating func finish() -> [ModelEvent] {
        choices.keys.sorted().flatMap { flush($0) }
    }

    private mutating func split(_ text: String, choice: Int) -> [ModelEvent] {
        var state = choices[choice] ?? ChoiceState(inThink: startsInReasoning, atStart: true)
        var buffer = state.held + text
        state.held = ""
        var out: [ModelEvent] = []
        if state.atStart {
            let trimmed = buffer.drop(while: { $0.isWhitespace })
            if trimmed.isEmpty || (trimmed.count < Self.open.count && Self.open.hasPrefix(trimmed)) {
                state.held = buffer
                choices[choice] = state
                return []
            }
            state.atStart = false
            if trimmed.hasPrefix(Self.open) {
                buffer = String(trimmed.dropFirst(Self.open.count))
                state.inThink = true
            }
        }
        while !buffer.isEmpty {
            let tag = state.inThink ? Self.close : Self.open
            if let range = buffer.firstRange(of: tag) {
                emit(String(buffer[..<range.lowerBound]), choice: choice, reasoning: state.inThink, into: &out)
                state.inThink.toggle()
                buffer = String(buffer[range.upperBound...])
                continue
            }
            let keep = Self.partialTagLength(at: buffer, tag: tag)
            emit(String(buffer.dropLast(keep)), choice: choice, reasoning: state.inThink, into: &out)
            state.held = String(buffer.suffix(keep))
            break
        }
        choices[choice] = state
        return out
    }

    private mutating func flush(_ choice: Int) -> [ModelEvent] {
        guard var state = choices[choice], !state.held.isEmpty else { return [] }
        var out: [ModelEvent] = []
        emit(state.held, choice: choice, reasoning: state.inThink && !state.atStart, into: &out)
        state.held = ""
        choices[choice] = state
        return out
    }

    private func emit(_ text: String, choice: Int, reasoning: Bool, into out: inout [ModelEvent]) {
        guard !text.isEmpty else { return }
        out.append(reasoning ? .reasoning(choice: choice, text: text) : .content(choice: choice, text: text))
    }

    /// The length of the longest suffix of `text` that is a proper prefix of `tag`.
    private static func partialTagLength(at text: String, tag: String) -> Int {
        var length = min(tag.count - 1, text.count)
        while length > 0 {
            if text.hasSuffix(tag.prefix(length)) { return length }
            length -= 1
        }
        return 0
    }
}
