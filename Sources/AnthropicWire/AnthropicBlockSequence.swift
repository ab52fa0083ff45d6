/// The content blocks of one Anthropic message as events arrive: a delta of another kind (or another tool
/// call) than the open block's closes it and opens the next, so blocks never interleave and their
/// indices count up from 0. Shared by the stream renderer and the assembler so both cut blocks alike.
struct AnthropicBlockSequence {
    enum Kind: Equatable {
        case text
        case thinking
        /// One tool call, by the container's call index.
        case tool(call: Int)
    }

    private(set) var current: Kind?
    /// Blocks opened so far; the open block's index is `count - 1`.
    private(set) var count = 0
    private(set) var sawToolUse = false

    var index: Int { count - 1 }

    /// Opens a block of `kind` and returns its index; the caller closed the previous one.
    mutating func open(_ kind: Kind) -> Int {
        current = kind
        count += 1
        if case .tool = kind { sawToolUse = true }
        return count - 1
    }

    /// Closes the open block, returning its index, or nil when none is open.
    mutating func close() -> Int? {
        guard current != nil else { return nil }
        current = nil
        return count - 1
    }
}
