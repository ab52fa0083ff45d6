import GatewayWire

/// Reads the common `chat.completion.chunk` straight from its bytes into the events
/// `OpenAIChunkDecoder.events(in:payloadKey: "delta")` would produce, without a `JSONValue` tree: a streamed
/// token's chunk is mostly members nobody reads (`id`, `object`, `created`, `model`, ...), and building
/// Strings and arrays for them cost about a third of the translator's work per token.
///
/// The walk is as strict as `JSONParser` (RFC 8259, UTF-8, the same depth cap; strings are decoded by
/// `JSONParser` itself), but anything it does not reproduce exactly it refuses instead of deciding: invalid
/// JSON (whose error, or U+FFFD retry, is the generic path's to report), error reports, LMI token objects,
/// completions-style log probabilities, keys written with escapes, duplicate keys that are read,
/// numbers it would have to round, arguments that are not a string; then the generic path decides.
///
/// A whole `chat.completion` (`OpenAIResponseParser`) has the same shape with `message` for `delta`; there
/// a body without a `choices` array is also refused, since only the generic path tells LMI's
/// `generated_text` answer from a malformed one.
struct OpenAIChunkFastPath {
    /// Which member of a choice carries its output.
    enum Payload {
        /// `chat.completion.chunk`'s `choices[].delta`.
        case delta
        /// `chat.completion`'s `choices[].message`.
        case message
    }

    /// Anything not decoded here; never reported, the caller parses the chunk the generic way.
    private struct Unhandled: Error {}

    /// The cap `StreamFramer`'s parse uses: a chunk nested deeper is the generic path's error.
    private static let maxDepth = JSONParser.defaultMaxDepth

    private let bytes: UnsafeBufferPointer<UInt8>
    private let payload: Payload
    private var index = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>, payload: Payload) {
        self.bytes = bytes
        self.payload = payload
    }

    /// Appends the chunk's events to `items` and returns true, or leaves `items` as they were and returns false.
    static func read(_ bytes: ArraySlice<UInt8>, payload: Payload = .delta, into items: inout [ParsedItem]) -> Bool {
        let start = items.count
        let handled = bytes.withUnsafeBufferPointer { buffer in
            var cursor = OpenAIChunkFastPath(buffer, payload: payload)
            do throws(Unhandled) {
                try cursor.chunk(into: &items)
                return true
            } catch {
                return false
            }
        }
        if !handled { items.removeSubrange(start...) }
        return handled
    }

    // MARK: The chunk's shape

    private mutating func chunk(into events: inout [ParsedItem]) throws(Unhandled) {
        var usage: Usage?
        var choicesArray = false
        var seen = Seen()
        skipWhitespace()
        try objectMembers(depth: 1) { (cursor, key) throws(Unhandled) in
            if cursor.key(key, is: "choices") {
                try seen.first(0)
                choicesArray = cursor.peek() == UInt8(ascii: "[")
                try cursor.choices(into: &events, depth: 1)
            } else if cursor.key(key, is: "usage") {
                try seen.first(1)
                usage = try cursor.usage(depth: 1)
            } else if cursor.key(key, is: "object") {
                // Only `"object": "error"` changes the meaning; a string spelled with escapes is not compared.
                if cursor.peek() == UInt8(ascii: "\"") {
                    let raw = try cursor.rawString()
                    if cursor.key(raw, is: "error") { throw Unhandled() }
                } else {
                    try cursor.skipValue(depth: 1)
                }
            } else if cursor.key(key, is: "error") {
                try cursor.literal("null")
            } else if cursor.key(key, is: "token") {
                throw Unhandled()
            } else {
                try cursor.skipValue(depth: 1)
            }
        }
        skipWhitespace()
        guard index == bytes.count else { throw Unhandled() }
        if payload == .message, !choicesArray { throw Unhandled() }
        if let usage { events.append(.event(.usage(usage))) }
    }

    private mutating func choices(into events: inout [ParsedItem], depth: Int) throws(Unhandled) {
        guard peek() == UInt8(ascii: "[") else { return try skipValue(depth: depth) }
        var position = 0
        try arrayElements(depth: depth + 1) { (cursor) throws(Unhandled) in
            if cursor.peek() == UInt8(ascii: "{") {
                try cursor.choice(position: position, into: &events, depth: depth + 1)
            } else {
                try cursor.skipValue(depth: depth + 1)
            }
            position += 1
        }
    }

    private mutating func choice(position: Int, into events: inout [ParsedItem], depth: Int) throws(Unhandled) {
        var index: Int?
        var delta: Delta?
        var finishReason: String?
        var text: String?
        var logprobs = false
        var seen = Seen()
        try objectMembers(depth: depth + 1) { (cursor, key) throws(Unhandled) in
            if cursor.isPayloadKey(key) {
                try seen.first(0)
                delta = try cursor.delta(depth: depth + 1)
            } else if cursor.key(key, is: "index") {
                try seen.first(1)
                index = try cursor.int(depth: depth + 1)
            } else if cursor.key(key, is: "finish_reason") {
                try seen.first(2)
                finishReason = try cursor.string(depth: depth + 1)
            } else if cursor.key(key, is: "logprobs") {
                try seen.first(3)
                if cursor.peek() == UInt8(ascii: "n") {
                    try cursor.literal("null")
                } else {
                    logprobs = true
                    try cursor.skipValue(depth: depth + 1)
                }
            } else if cursor.key(key, is: "text") {
                try seen.first(4)
                text = try cursor.string(depth: depth + 1)
            } else {
                try cursor.skipValue(depth: depth + 1)
            }
        }
        let choice = index ?? position
        if let delta {
            if let reasoning = delta.reasoningText {
                events.append(.event(.reasoning(choice: choice, text: reasoning)))
            }
            if let content = delta.content, !content.isEmpty {
                events.append(.event(.content(choice: choice, text: content)))
            }
            for call in delta.toolCalls { events.append(.event(.toolCall(choice: choice, call))) }
        } else {
            // A completions-style choice: its log probabilities become an event carrying the JSON itself.
            if logprobs { throw Unhandled() }
            if let text, !text.isEmpty { events.append(.event(.content(choice: choice, text: text))) }
        }
        if let finishReason { events.append(.event(.finish(choice: choice, reason: finishReason))) }
    }

    private struct Delta {
        var reasoningContent: String?
        var reasoning: String?
        var content: String?
        var toolCalls: [ToolCallDelta] = []

        /// `OpenAIChunkDecoder.reasoningText`: the first non-empty one, in `ReasoningField` order.
        var reasoningText: String? {
            if let reasoningContent, !reasoningContent.isEmpty { return reasoningContent }
            if let reasoning, !reasoning.isEmpty { return reasoning }
            return nil
        }
    }

    /// Any value counts as present (a `null` delta still rules out the completions reading); only an object
    /// has members.
    private mutating func delta(depth: Int) throws(Unhandled) -> Delta {
        var delta = Delta()
        guard peek() == UInt8(ascii: "{") else {
            try skipValue(depth: depth)
            return delta
        }
        var seen = Seen()
        try objectMembers(depth: depth + 1) { (cursor, key) throws(Unhandled) in
            if cursor.key(key, is: "content") {
                try seen.first(0)
                delta.content = try cursor.string(depth: depth + 1)
            } else if cursor.key(key, is: "reasoning_content") {
                try seen.first(1)
                delta.reasoningContent = try cursor.string(depth: depth + 1)
            } else if cursor.key(key, is: "reasoning") {
                try seen.first(2)
                delta.reasoning = try cursor.string(depth: depth + 1)
            } else if cursor.key(key, is: "tool_calls") {
                try seen.first(3)
                delta.toolCalls = try cursor.toolCalls(depth: depth + 1)
            } else {
                try cursor.skipValue(depth: depth + 1)
            }
        }
        return delta
    }

    private mutating func toolCalls(depth: Int) throws(Unhandled) -> [ToolCallDelta] {
        var calls: [ToolCallDelta] = []
        guard peek() == UInt8(ascii: "[") else {
            try skipValue(depth: depth)
            return calls
        }
        try arrayElements(depth: depth + 1) { (cursor) throws(Unhandled) in
            guard cursor.peek() == UInt8(ascii: "{") else { throw Unhandled() }
            calls.append(try cursor.toolCall(position: calls.count, depth: depth + 1))
        }
        return calls
    }

    private mutating func toolCall(position: Int, depth: Int) throws(Unhandled) -> ToolCallDelta {
        var index: Int?
        var id: String?
        var name: String?
        var arguments = ""
        var seen = Seen()
        try objectMembers(depth: depth + 1) { (cursor, key) throws(Unhandled) in
            if cursor.key(key, is: "index") {
                try seen.first(0)
                index = try cursor.int(depth: depth + 1)
            } else if cursor.key(key, is: "id") {
                try seen.first(1)
                id = try cursor.string(depth: depth + 1)
            } else if cursor.key(key, is: "function") {
                try seen.first(2)
                guard cursor.peek() == UInt8(ascii: "{") else { return try cursor.skipValue(depth: depth + 1) }
                var seenInFunction = Seen()
                try cursor.objectMembers(depth: depth + 2) { (cursor, key) throws(Unhandled) in
                    if cursor.key(key, is: "name") {
                        try seenInFunction.first(0)
                        name = try cursor.string(depth: depth + 2)
                    } else if cursor.key(key, is: "arguments") {
                        try seenInFunction.first(1)
                        // Arguments sent as a JSON object are re-serialised by the generic path.
                        switch cursor.peek() {
                        case UInt8(ascii: "\""): arguments = try cursor.stringValue()
                        case UInt8(ascii: "n"): try cursor.literal("null")
                        default: throw Unhandled()
                        }
                    } else {
                        try cursor.skipValue(depth: depth + 2)
                    }
                }
            } else {
                try cursor.skipValue(depth: depth + 1)
            }
        }
        return ToolCallDelta(index: index ?? position, id: id, name: name, arguments: arguments)
    }

    private mutating func usage(depth: Int) throws(Unhandled) -> Usage? {
        guard peek() == UInt8(ascii: "{") else {
            try skipValue(depth: depth)
            return nil
        }
        var prompt: Int?
        var completion: Int?
        var total: Int?
        var seen = Seen()
        try objectMembers(depth: depth + 1) { (cursor, key) throws(Unhandled) in
            if cursor.key(key, is: "prompt_tokens") {
                try seen.first(0)
                prompt = try cursor.int(depth: depth + 1)
            } else if cursor.key(key, is: "completion_tokens") {
                try seen.first(1)
                completion = try cursor.int(depth: depth + 1)
            } else if cursor.key(key, is: "total_tokens") {
                try seen.first(2)
                total = try cursor.int(depth: depth + 1)
            } else {
                try cursor.skipValue(depth: depth + 1)
            }
        }
        guard let prompt, let completion else { return nil }
        return Usage(promptTokens: prompt, completionTokens: completion, totalTokens: total)
    }

    /// Which of a few keys an object has had: the generic path reads the last of duplicate keys, which this
    /// walk would have to remember, so a repeated key it reads is left to it.
    private struct Seen {
        private var bits: UInt8 = 0
        mutating func first(_ bit: UInt8) throws(Unhandled) {
            guard bits & (1 << bit) == 0 else { throw Unhandled() }
            bits |= 1 << bit
        }
    }

    // MARK: Values read

    /// `JSONValue.stringValue`: a string, or `nil` for any other (skipped) value.
    private mutating func string(depth: Int) throws(Unhandled) -> String? {
        guard peek() == UInt8(ascii: "\"") else {
            try skipValue(depth: depth)
            return nil
        }
        return try stringValue()
    }

    private mutating func stringValue() throws(Unhandled) -> String {
        do throws(JSONParseError) {
            return try JSONParser.string(in: bytes, at: &index)
        } catch {
            throw Unhandled()
        }
    }

    /// `JSONValue.intValue`: a plain integer literal, or `nil` for any other (skipped) value. A fraction or
    /// exponent (`3.0`, `1e2`) goes through `Double` there, so it is left to the generic path.
    private mutating func int(depth: Int) throws(Unhandled) -> Int? {
        guard let first = peek(), first == UInt8(ascii: "-") || isDigit(first) else {
            try skipValue(depth: depth)
            return nil
        }
        let negative = first == UInt8(ascii: "-")
        if negative { index += 1 }
        guard let lead = peek(), isDigit(lead) else { throw Unhandled() }
        var value = 0
        if lead == UInt8(ascii: "0") {
            index += 1
        } else {
            while let b = peek(), isDigit(b) {
                let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(Int(b &- UInt8(ascii: "0")))
                guard !overflow1, !overflow2 else { throw Unhandled() }
                value = sum
                index += 1
            }
        }
        if let b = peek(), b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E") {
            throw Unhandled()
        }
        return negative ? -value : value
    }

    // MARK: Structure

    /// Walks an object's members, the cursor at its `{`, handing `body` each key's raw bytes with the cursor
    /// at the value; `body` must consume the value.
    private mutating func objectMembers(
        depth: Int, _ body: (inout OpenAIChunkFastPath, Range<Int>) throws(Unhandled) -> Void
    ) throws(Unhandled) {
        guard depth <= Self.maxDepth, peek() == UInt8(ascii: "{") else { throw Unhandled() }
        index += 1
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            return
        }
        while true {
            skipWhitespace()
            let key = try rawString()
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw Unhandled() }
            index += 1
            skipWhitespace()
            try body(&self, key)
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                return
            default: throw Unhandled()
            }
        }
    }

    private mutating func arrayElements(
        depth: Int, _ body: (inout OpenAIChunkFastPath) throws(Unhandled) -> Void
    ) throws(Unhandled) {
        guard depth <= Self.maxDepth, peek() == UInt8(ascii: "[") else { throw Unhandled() }
        index += 1
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            index += 1
            return
        }
        while true {
            skipWhitespace()
            try body(&self)
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                return
            default: throw Unhandled()
            }
        }
    }

    /// A string of printable ASCII without escapes, as its byte range; keys and `object` values are compared
    /// as bytes, and anything else in them is rare enough to leave to the generic path.
    private mutating func rawString() throws(Unhandled) -> Range<Int> {
        guard peek() == UInt8(ascii: "\"") else { throw Unhandled() }
        let start = index + 1
        let end = JSONStringBytes.plainASCIIEnd(in: bytes, from: start)
        guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else { throw Unhandled() }
        index = end + 1
        return start..<end
    }

    private func isPayloadKey(_ range: Range<Int>) -> Bool {
        switch payload {
        case .delta: key(range, is: "delta")
        case .message: key(range, is: "message")
        }
    }

    private func key(_ range: Range<Int>, is name: StaticString) -> Bool {
        guard range.count == name.utf8CodeUnitCount else { return false }
        return name.withUTF8Buffer { expected in
            var i = 0
            while i < expected.count {
                guard bytes[range.lowerBound + i] == expected[i] else { return false }
                i += 1
            }
            return true
        }
    }

    /// Validates and steps over any value without building it.
    private mutating func skipValue(depth: Int) throws(Unhandled) {
        switch peek() {
        case UInt8(ascii: "{")?:
            try objectMembers(depth: depth + 1) { (cursor, _) throws(Unhandled) in
                try cursor.skipValue(depth: depth + 1)
            }
        case UInt8(ascii: "[")?:
            try arrayElements(depth: depth + 1) { (cursor) throws(Unhandled) in try cursor.skipValue(depth: depth + 1) }
        case UInt8(ascii: "\"")?: try skipString()
        case UInt8(ascii: "t")?: try literal("true")
        case UInt8(ascii: "f")?: try literal("false")
        case UInt8(ascii: "n")?: try literal("null")
        case UInt8(ascii: "-")?, (UInt8(ascii: "0")...UInt8(ascii: "9"))?: try skipNumber()
        default: throw Unhandled()
        }
    }

    /// Plain ASCII is checked here; escapes and other UTF-8 are decoded (and so validated) by `JSONParser`.
    private mutating func skipString() throws(Unhandled) {
        let end = JSONStringBytes.plainASCIIEnd(in: bytes, from: index + 1)
        guard end < bytes.count else { throw Unhandled() }
        let b = bytes[end]
        if b == UInt8(ascii: "\"") {
            index = end + 1
            return
        }
        guard b == UInt8(ascii: "\\") || b >= 0x80 else { throw Unhandled() }
        _ = try stringValue()
    }

    /// RFC 8259's number grammar, as `JSONParser.parseNumber` checks it.
    private mutating func skipNumber() throws(Unhandled) {
        if peek() == UInt8(ascii: "-") { index += 1 }
        guard let lead = peek(), isDigit(lead) else { throw Unhandled() }
        index += 1
        if lead != UInt8(ascii: "0") { skipDigits() }
        if peek() == UInt8(ascii: ".") {
            index += 1
            guard let b = peek(), isDigit(b) else { throw Unhandled() }
            skipDigits()
        }
        if let b = peek(), b == UInt8(ascii: "e") || b == UInt8(ascii: "E") {
            index += 1
            if let sign = peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { index += 1 }
            guard let b = peek(), isDigit(b) else { throw Unhandled() }
            skipDigits()
        }
    }

    private mutating func skipDigits() {
        while let b = peek(), isDigit(b) { index += 1 }
    }

    private mutating func literal(_ word: StaticString) throws(Unhandled) {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count else { throw Unhandled() }
        guard key(index..<(index + count), is: word) else { throw Unhandled() }
        index += count
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
}
