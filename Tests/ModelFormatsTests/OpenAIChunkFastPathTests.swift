import GatewayWire
import TestSupport
import Testing

@testable import ModelFormats

/// The stream parser reads common chunks straight from their bytes; these check that it never decides
/// differently from parsing a `JSONValue` and reading it with `OpenAIChunkDecoder`.
@Suite struct OpenAIChunkFastPathTests {
    private func fast(_ text: String) -> [ParsedItem]? { OpenAIStreamParser.fastItems(payload: Array(text.utf8)) }
    private func generic(_ text: String) -> [ParsedItem] { OpenAIStreamParser.genericItems(payload: Array(text.utf8)) }

    private func expectHandled(
        _ text: String, _ expected: [ModelEvent], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let items = expected.map(ParsedItem.event)
        #expect(fast(text) == items, sourceLocation: sourceLocation)
        #expect(generic(text) == items, sourceLocation: sourceLocation)
    }

    private func expectRefused(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(fast(text) == nil, sourceLocation: sourceLocation)
    }

    @Test func commonShapes() {
        let head = #""id":"chatcmpl-1","object":"chat.completion.chunk","created":1767225600,"model":"m""#
        expectHandled(
            #"{\#(head),"choices":[{"index":0,"delta":{"content":"t5 "},"logprobs":null,"finish_reason":null}]}"#,
            [.content(choice: 0, text: "t5 ")])
        expectHandled(
            #"{\#(head),"system_fingerprint":null,"choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}"#,
            [])
        expectHandled(
            #"{\#(head),"choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop","stop_reason":null}]}"#,
            [.finish(choice: 0, reason: "stop")])
        expectHandled(
            #"{\#(head),"choices":[],"usage":{"prompt_tokens":12,"total_tokens":15,"completion_tokens":3}}"#,
            [.usage(Usage(promptTokens: 12, completionTokens: 3, totalTokens: 15))])
        expectHandled(
            #"{\#(head),"choices":[{"index":1,"delta":{"reasoning":"hm","reasoning_content":null}}]}"#,
            [.reasoning(choice: 1, text: "hm")])
        expectHandled(
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"a\":"}}]}}]}"#,
            [.toolCall(choice: 0, ToolCallDelta(index: 0, id: "call_1", name: "f", arguments: #"{"a":"#))])
        expectHandled(
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"function":{"arguments":null}}, {"index":3}]}}]}"#,
            [.toolCall(choice: 0, ToolCallDelta(index: 0)), .toolCall(choice: 0, ToolCallDelta(index: 3))])
        expectHandled(
            #" {"object":"text_completion","choices":[{"index":0,"text":"a\u00e9\ud83d\ude80","logprobs":null,"finish_reason":null}]}"#
                + "\n",
            [.content(choice: 0, text: "aé🚀")])
        expectHandled(#"{"choices":[{"delta":null,"text":"ignored"}, 3, {"delta":"x"}]}"#, [])
        expectHandled(#"{"error":null,"choices":null,"usage":{"prompt_tokens":1}}"#, [])
    }

    @Test func shapesLeftToTheGenericPath() {
        for text in [
            #"{"error":{"message":"boom"}}"#, #"{"object":"error","message":"boom","code":400}"#,
            #"{"token":{"text":"a","special":false},"details":null}"#,
            #"{"choices":[{"index":0,"text":"a","logprobs":{"tokens":["a"]}}]}"#,
            #"{"choices":[{"delta":{"tool_calls":[{"function":{"arguments":{"a":1}}}]}}]}"#,
            #"{"choices":[{"delta":{"content":"a","content":"b"}}]}"#,
            #"{"choices":[{"index":1.0,"delta":{"content":"a"}}]}"#,
        ] {
            expectRefused(text)
            #expect(!generic(text).isEmpty, "\(text)")
        }
        // Nothing to say, but only because of what the generic path reads: the last key, the unescaped key.
        expectRefused(#"{"choices":[{"delta":{"content":"a"}}],"choices":[]}"#)
        expectRefused(#"{"ch\u006fices":[]}"#)
    }

    @Test func invalidJSONIsTheGenericPathsError() {
        let deep = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        let shallow = String(repeating: "[", count: 250) + String(repeating: "]", count: 250)
        #expect(fast(#"{"x":\#(shallow),"choices":[]}"#) == [])
        for text in [
            #"{"choices":[]"#, #"{"choices":[],}"#, #"{"choices":[01]}"#, #"{"choices":[]} x"#, "[1]", "",
            #"{"x":\#(deep)}"#, #"{"x":"\ud800"}"#, #"{"x":"a\#u{01}"}"#, #"{"x":NaN}"#, #"{"x":-}"#, #"{"x":1.}"#,
        ] {
            expectRefused(text)
            guard case .error = generic(text).first else {
                Issue.record("\(text) should be an error")
                continue
            }
        }
        let invalidUTF8 = Array(#"{"choices":[{"delta":{"content":"a"#.utf8) + [0xC3] + Array(#""}}]}"#.utf8)
        #expect(OpenAIStreamParser.fastItems(payload: invalidUTF8) == nil)
        #expect(
            OpenAIStreamParser.genericItems(payload: invalidUTF8) == [.event(.content(choice: 0, text: "a\u{FFFD}"))])
    }

    /// Seeded random chunks in every shape the generator knows, then some of them broken: whenever the fast
    /// path answers, the answer is the generic path's.
    @Test func differential() {
        fastPathDifferential(seed: 0x5EED_C4A1) { bytes in
            let generic = OpenAIStreamParser.genericItems(payload: bytes)
            let wellFormed = !generic.contains { if case .error = $0 { true } else { false } }
            guard let fast = OpenAIStreamParser.fastItems(payload: bytes) else { return (false, wellFormed) }
            #expect(fast == generic, "\(String(decoding: bytes, as: UTF8.self))")
            return (true, wellFormed)
        }
    }
}

/// The differential loop both fast paths are checked with: `count` seeded payloads, 30% of them broken.
/// `check` compares the fast path with the generic one on one payload (with its own `#expect`) and says
/// whether the fast path answered and whether the generic path found the payload well formed; at the end,
/// the fast path must have taken most well-formed payloads, so the comparison is not vacuous.
func fastPathDifferential(
    seed: UInt64, payloadKey: String = "delta", count: Int = 4000,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ check: ([UInt8]) -> (fastAnswered: Bool, wellFormed: Bool)
) {
    var generator = ChunkGenerator(seed: seed, payloadKey: payloadKey)
    var handled = 0
    var handledValid = 0
    var valid = 0
    for _ in 0..<count {
        var bytes = Array(generator.chunk().utf8)
        let mutated = generator.chance(0.3)
        if mutated { generator.mutate(&bytes) }
        let (answered, wellFormed) = check(bytes)
        if !mutated, wellFormed { valid += 1 }
        guard answered else { continue }
        handled += 1
        if !mutated, wellFormed { handledValid += 1 }
    }
    #expect(
        handledValid * 2 > valid, "\(handledValid) of \(valid) well-formed payloads handled",
        sourceLocation: sourceLocation)
    #expect(handled > count / 3, sourceLocation: sourceLocation)
}

/// A small deterministic generator of `chat.completion.chunk`-like JSON text (SplitMix64); with `message`
/// for `payloadKey`, of whole `chat.completion`-like bodies.
struct ChunkGenerator {
    private var source: SplitMix
    private let payloadKey: String

    init(seed: UInt64, payloadKey: String = "delta") {
        source = SplitMix(seed: seed)
        self.payloadKey = payloadKey
    }

    mutating func next() -> UInt64 { source.next() }

    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func chance(_ p: Double) -> Bool { Double(next() % 1_000_000) < p * 1_000_000 }
    mutating func pick<T>(_ options: [T]) -> T { options[below(options.count)] }

    mutating func space() -> String { chance(0.85) ? "" : pick([" ", "\n", "\t", "\r\n  ", "  "]) }

    mutating func string() -> String {
        pick([
            #""""#, #""t5 ""#, #""héllo 🚀""#, #""a\nb""#, #""\u00e9\u00E9""#, #""\ud83d\ude80""#, #""\"q\" \\ \/""#,
            #""\b\f\r\t""#, #""a longer piece of text past fifteen bytes""#, #""日本語""#, #""stop""#, #""\u0000""#,
        ])
    }

    /// Small enough that a usage without `total_tokens` can add them.
    mutating func int() -> String { pick(["0", "1", "2", "7", "12", "-1", "-0", "100000", "4611686018427387903"]) }

    mutating func scalar() -> String {
        switch below(8) {
        case 0: return "null"
        case 1: return pick(["true", "false"])
        case 2: return int()
        case 3: return pick(["3.5", "1e3", "-0.25E-2", "0", "2.0"])
        default: return string()
        }
    }

    mutating func value(depth: Int = 0) -> String {
        guard depth < 3, chance(0.3) else { return scalar() }
        if chance(0.5) {
            return "[" + (0..<below(3)).map { _ in space() + value(depth: depth + 1) + space() }.joined(separator: ",")
                + "]"
        }
        return object((0..<below(3)).map { _ in (pick(["a", "b", "tokens", "content"]), value(depth: depth + 1)) })
    }

    /// Members in random order, sometimes one repeated.
    mutating func object(_ members: [(String, String)]) -> String {
        var members = members
        for i in members.indices.reversed() where i > 0 { members.swapAt(i, below(i + 1)) }
        if !members.isEmpty, chance(0.04) { members.append((pick(members).0, scalar())) }
        let body = members.map { key, value in space() + "\"\(key)\"" + space() + ":" + space() + value + space() }
        return "{" + body.joined(separator: ",") + space() + "}"
    }

    mutating func optional(_ p: Double, _ key: String, _ make: (inout ChunkGenerator) -> String) -> [(String, String)] {
        chance(p) ? [(key, make(&self))] : []
    }

    mutating func chunk() -> String {
        var members: [(String, String)] = [
            ("id", #""chatcmpl-\#(below(1000))""#),
            (
                "object",
                pick([
                    #""chat.completion.chunk""#, #""chat.completion.chunk""#, #""text_completion""#, #""error""#,
                    "null", #""err\u006fr""#,
                ])
            ),
            ("created", "1767225600"), ("model", pick([#""m""#, #""mödel""#])),
        ]
        members += optional(0.3, "system_fingerprint") { $0.pick(["null", #""fp_1""#]) }
        members += optional(0.1, "service_tier") { _ in #""default""# }
        members += optional(0.9, "choices") { g in
            g.chance(0.05)
                ? g.scalar()
                : "[" + (0..<g.pick([0, 1, 1, 1, 2, 3])).map { _ in g.choice() }.joined(separator: ",") + "]"
        }
        members += optional(0.15, "usage") { g in g.chance(0.1) ? g.scalar() : g.usage() }
        members += optional(0.03, "error") { g in g.chance(0.5) ? "null" : g.object([("message", g.string())]) }
        members += optional(0.03, "token") { g in g.chance(0.5) ? "null" : g.object([("text", g.string())]) }
        members += optional(0.03, "message") { $0.string() }
        members += optional(0.03, "generated_text") { $0.string() }
        members += optional(0.1, "extra") { $0.value() }
        return space() + object(members) + space()
    }

    mutating func usage() -> String {
        var members: [(String, String)] = []
        members += optional(0.9, "prompt_tokens") { g in g.chance(0.9) ? g.int() : g.scalar() }
        members += optional(0.9, "completion_tokens") { g in g.chance(0.9) ? g.int() : g.scalar() }
        members += optional(0.7, "total_tokens") { g in g.chance(0.9) ? g.int() : g.scalar() }
        members += optional(0.2, "prompt_tokens_details") { $0.value() }
        return object(members)
    }

    mutating func choice() -> String {
        if chance(0.03) { return scalar() }
        var members: [(String, String)] = []
        members += optional(0.9, "index") { g in
            g.chance(0.9)
                ? g.pick(["0", "1", "2"]) : g.pick([g.scalar(), "9223372036854775807", "9223372036854775808"])
        }
        members += optional(0.85, payloadKey) { g in g.chance(0.05) ? g.scalar() : g.delta() }
        members += optional(0.7, "logprobs") { g in
            g.chance(0.85) ? "null" : g.object([("tokens", "[\"a\"]"), ("token_logprobs", "[-0.5]")])
        }
        members += optional(0.7, "finish_reason") { g in
            g.chance(0.6) ? "null" : g.pick([#""stop""#, #""length""#, #""tool_calls""#, "1"])
        }
        members += optional(0.15, "text") { $0.string() }
        members += optional(0.1, "stop_reason") { $0.scalar() }
        return object(members)
    }

    mutating func delta() -> String {
        var members: [(String, String)] = []
        members += optional(0.2, "role") { _ in #""assistant""# }
        members += optional(0.7, "content") { g in g.chance(0.8) ? g.string() : g.scalar() }
        members += optional(0.15, "reasoning_content") { g in g.chance(0.7) ? g.string() : "null" }
        members += optional(0.15, "reasoning") { g in g.chance(0.7) ? g.string() : "null" }
        members += optional(0.15, "tool_calls") { g in
            g.chance(0.05) ? g.scalar() : "[" + (0..<g.below(3)).map { _ in g.toolCall() }.joined(separator: ",") + "]"
        }
        return object(members)
    }

    mutating func toolCall() -> String {
        if chance(0.03) { return scalar() }
        var members: [(String, String)] = []
        members += optional(0.8, "index") { g in g.chance(0.9) ? g.pick(["0", "1"]) : g.scalar() }
        members += optional(0.4, "id") { g in g.chance(0.9) ? #""call_\#(g.below(100))""# : g.scalar() }
        members += optional(0.4, "type") { _ in #""function""# }
        members += optional(0.9, "function") { g in
            if g.chance(0.05) { return g.scalar() }
            var function: [(String, String)] = []
            function += g.optional(0.5, "name") { g in g.chance(0.9) ? #""get_weather""# : g.scalar() }
            function += g.optional(0.8, "arguments") { g in
                g.chance(0.85) ? g.pick([#""{\"city\":""#, #"" \"Paris\"}""#, #""""#]) : g.value()
            }
            return g.object(function)
        }
        return object(members)
    }

    /// Truncation, a changed or inserted byte (including bytes that are not UTF-8), or nesting past the cap.
    mutating func mutate(_ bytes: inout [UInt8]) {
        let junk: [UInt8] = [
            0x00, 0x22, 0x5C, 0x2C, 0x7B, 0x7D, 0x5B, 0x5D, 0x3A, 0x20, 0x30, 0x2D, 0x65, 0xC3, 0xFF, 0x80,
        ]
        switch below(4) {
        case 0: bytes.removeLast(below(bytes.count + 1))
        case 1 where !bytes.isEmpty: bytes[below(bytes.count)] = pick(junk)
        case 2: bytes.insert(pick(junk), at: below(bytes.count + 1))
        default:
            let depth = pick([255, 256, 257, 300])
            let nest =
                Array(String(repeating: "[", count: depth).utf8) + Array(String(repeating: "]", count: depth).utf8)
            if let first = bytes.firstIndex(of: UInt8(ascii: "{")) {
                bytes.insert(contentsOf: Array(#""deep":"#.utf8) + nest + [UInt8(ascii: ",")], at: first + 1)
            }
        }
    }
}
