import GatewayWire

/// What the emulated `openai`-format container answers to an OpenAI completions body (`prompt`): each prompt
/// is told the same story as a chat whose last user message is that prompt (same greeting, directives and
/// delays, see `ChatScript`), `n` times, cut at the first `stop` sequence.
struct CompletionScript {
    /// One per choice, in choice order: prompt 0's `n` choices, then prompt 1's.
    var choices: [ChatScript]
    /// `logprobs`: how many alternatives per token; nil when not asked for.
    var logprobs: Int?
    /// Choices per prompt; usage counts each prompt once.
    var n = 1

    var first: ChatScript { choices[0] }

    static func make(body: [UInt8], servedModel: String, endpoint: String) -> Result<
        CompletionScript, ChatScript.Failure
    > {
        guard let request = try? JSONParser.parse(body), request.objectValue != nil, let prompt = request["prompt"]
        else {
            return .failure(ChatScript.vllmError(400, "BadRequestError", "prompt: Field required"))
        }
        guard let prompts = texts(prompt), !prompts.isEmpty else {
            return .failure(
                ChatScript.vllmError(
                    400, "BadRequestError", "prompt must be a string, strings, token ids or lists of token ids"))
        }
        let n = request["n"]?.intValue ?? 1
        guard (1...16).contains(n) else {
            return .failure(ChatScript.vllmError(400, "BadRequestError", "n must be in 1...16"))
        }
        let stops: [String]
        switch request["stop"] {
        case .string(let s)?: stops = [s]
        case .array(let items)?: stops = items.compactMap(\.stringValue)
        default: stops = []
        }
        var choices: [ChatScript] = []
        for text in prompts {
            var chat = request.removing("prompt").removing("n").removing("stop").removing("logprobs")
            chat = chat.setting(
                "messages", to: .array([.object([("role", .string("user")), ("content", .string(text))])]))
            switch ChatScript.make(body: JSONWriter.bytes(chat), servedModel: servedModel, endpoint: endpoint) {
            case .failure(let failure): return .failure(failure)
            case .success(var script):
                cut(&script, at: stops)
                choices += Array(repeating: script, count: n)
            }
        }
        let logprobs = request["logprobs"]?.intValue
        return .success(CompletionScript(choices: choices, logprobs: logprobs.map { max(0, min($0, 5)) }, n: n))
    }

    /// A string, strings, token ids (`[1, 2]`) or lists of them; ids are spelled out as text.
    private static func texts(_ prompt: JSONValue) -> [String]? {
        switch prompt {
        case .string(let s): return [s]
        case .array(let items) where items.first?.intValue != nil:
            return [ids(items)].compactMap { $0 }
        case .array(let items):
            var out: [String] = []
            for item in items {
                if let s = item.stringValue {
                    out.append(s)
                } else if let list = item.arrayValue, let text = ids(list) {
                    out.append(text)
                } else {
                    return nil
                }
            }
            return out
        default: return nil
        }
    }

    private static func ids(_ items: [JSONValue]) -> String? {
        let ids = items.compactMap(\.intValue)
        guard !ids.isEmpty, ids.count == items.count else { return nil }
        return EmbeddingVector.text(forTokenIds: ids)
    }

    /// Ends the text before the first stop sequence, as vLLM does (the stop string itself is not returned).
    private static func cut(_ script: inout ChatScript, at stops: [String]) {
        let text = script.tokens.joined()
        let hits = stops.filter { !$0.isEmpty }.compactMap { text.firstRange(of: $0)?.lowerBound }
        guard let end = hits.min() else { return }
        let keep = text[..<end].utf8.count
        var tokens: [String] = []
        var used = 0
        for token in script.tokens where used < keep {
            let bytes = Array(token.utf8)
            let take = min(bytes.count, keep - used)
            tokens.append(String(decoding: bytes[..<take], as: UTF8.self))
            used += take
        }
        script.tokens = tokens
        script.finishReason = "stop"
        if let fail = script.failAfter, fail >= tokens.count { script.failAfter = nil }
    }
}
