import GatewayWire

extension UsageEstimate {
    /// Prompt tokens of a completions `prompt` when the container reports none: token ids count exactly;
    /// text is about one token per four UTF-8 bytes, at least one per prompt.
    package static func promptTokens(forPrompt prompt: JSONValue) -> Int {
        switch prompt {
        case .string(let s): return textTokens(s)
        case .array(let items):
            return items.reduce(0) { total, item in
                switch item {
                case .string(let s): return total + textTokens(s)
                case .number: return total + 1
                case .array(let ids): return total + ids.count
                default: return total
                }
            }
        default: return 0
        }
    }

    /// Prompt tokens of embeddings inputs when the container reports none (TEI never does): exact for
    /// token ids; for text about one token per four UTF-8 bytes (OpenAI's rule of thumb for English), at
    /// least one per input.
    package static func promptTokens(forInput input: EmbeddingsRequest.Input) -> Int {
        switch input {
        case .texts(let texts): return texts.reduce(0) { $0 + textTokens($1) }
        case .tokenIds(let lists): return lists.reduce(0) { $0 + $1.count }
        }
    }

    static func textTokens(_ text: String) -> Int {
        max(1, (text.utf8.count + 3) / 4)
    }
}
