/// TGI stops when its output ends with a stop sequence but leaves the sequence in the output; OpenAI's
/// `stop` leaves it out ("The returned text will not contain the stop sequence",
/// https://platform.openai.com/docs/api-reference/chat/create#chat-create-stop). Streamed text that could
/// be the start of a stop sequence is therefore held back until the next token or the final `details`
/// decide it, as `ThinkTagSplitter` holds back a possible tag.
///
/// Matching is on Unicode scalars, not `Character`s: a stop of `"\n"` must match the end of `"\r\n"`,
/// which Swift counts as one character.
struct StopSequenceTrimmer {
    private let stops: [[Unicode.Scalar]]
    private var held: [Unicode.Scalar] = []

    init(_ stops: [String]) {
        self.stops = stops.filter { !$0.isEmpty }.map { Array($0.unicodeScalars) }
    }

    /// The part of `held + text` that can no longer turn out to be a stop sequence.
    mutating func push(_ text: String) -> String {
        guard !stops.isEmpty else { return text }
        held += text.unicodeScalars
        let keep = longestSuffixStartingAStop(held)
        let ready = String(String.UnicodeScalarView(held.dropLast(keep)))
        held.removeFirst(held.count - keep)
        return ready
    }

    /// End of generation: what is still held, less the stop sequence it ends with if TGI stopped on one.
    mutating func finish(stoppedBySequence: Bool) -> String {
        defer { held.removeAll() }
        return String(String.UnicodeScalarView(stoppedBySequence ? Self.dropStop(held, stops) : held[...]))
    }

    /// A whole (non-streamed) text that TGI stopped on a sequence, without it.
    static func trimmed(_ text: String, stops: [String]) -> String {
        let scalars = Array(text.unicodeScalars)
        return String(String.UnicodeScalarView(dropStop(scalars, stops.map { Array($0.unicodeScalars) })))
    }

    /// `text` without the longest stop sequence it ends with: the one OpenAI would have stopped at first.
    private static func dropStop(_ text: [Unicode.Scalar], _ stops: [[Unicode.Scalar]]) -> ArraySlice<Unicode.Scalar> {
        let match = stops.filter { !$0.isEmpty && text.count >= $0.count && text.suffix($0.count).elementsEqual($0) }
        return text.dropLast(match.map(\.count).max() ?? 0)
    }

    /// The length of the longest suffix of `text` that some stop sequence starts with (or equals).
    private func longestSuffixStartingAStop(_ text: [Unicode.Scalar]) -> Int {
        var best = 0
        for stop in stops {
            var length = min(stop.count, text.count)
            while length > best {
                if text.suffix(length).elementsEqual(stop.prefix(length)) {
                    best = length
                    break
                }
                length -= 1
            }
        }
        return best
    }
}
