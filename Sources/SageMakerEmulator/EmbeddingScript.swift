import GatewayWire

/// What the emulated embedding container answers: the inputs as texts (token ids spelled out), the
/// dimension count, and the word count it reports as prompt tokens.
struct EmbeddingScript {
    var texts: [String]
    var dimensions: Int
    var promptTokens: Int
    /// The longest `[delay_ms=N]` among the texts (which are embedded as written, directive included), so
    /// tests can make batches finish out of order.
    var delay: Double {
        Double(texts.map { Directives.parse($0).0.delayMs }.max() ?? 0) / 1000
    }

    /// Reads `input` (OpenAI) or `inputs` (TEI): a string, strings, token ids, or lists of token ids.
    static func make(body: [UInt8], inputKey: String, maxBatch: Int?) -> Result<EmbeddingScript, ChatScript.Failure> {
        guard let request = try? JSONParser.parse(body), let raw = request[inputKey] else {
            return .failure(ChatScript.vllmError(400, "BadRequestError", "\(inputKey): Field required"))
        }
        var texts: [String] = []
        var tokens = 0
        let items: [JSONValue]
        switch raw {
        case .string: items = [raw]
        case .array(let list) where list.first?.intValue != nil: items = [raw]
        case .array(let list): items = list
        default: items = []
        }
        for item in items {
            if let text = item.stringValue {
                texts.append(text)
                tokens += ChatScript.wordCount(text)
            } else if let list = item.arrayValue, !list.isEmpty, list.allSatisfy({ $0.intValue != nil }) {
                let ids = list.compactMap(\.intValue)
                texts.append(EmbeddingVector.text(forTokenIds: ids))
                tokens += ids.count
            } else {
                return .failure(teiOrVLLM(inputKey, 422, "\(inputKey) must be strings or token id lists"))
            }
        }
        guard !texts.isEmpty else { return .failure(teiOrVLLM(inputKey, 422, "\(inputKey) cannot be empty")) }
        if let maxBatch, texts.count > maxBatch {
            // TEI's answer to a batch over --max-client-batch-size.
            return .failure(
                .container(
                    status: 413,
                    body: JSONWriter.string(
                        .object([
                            ("error", .string("batch size \(texts.count) > maximum allowed batch size \(maxBatch)")),
                            ("error_type", .string("Validation")),
                        ]))))
        }
        var dimensions = EmbeddingVector.defaultDimensions
        if let value = request["dimensions"], !value.isNull {
            guard let d = value.intValue, (1...4096).contains(d) else {
                return .failure(teiOrVLLM(inputKey, 400, "dimensions must be an integer in 1...4096"))
            }
            dimensions = d
        }
        return .success(EmbeddingScript(texts: texts, dimensions: dimensions, promptTokens: tokens))
    }

    var vectors: [[Float]] { texts.map { EmbeddingVector.vector(for: $0, dimensions: dimensions) } }

    /// TEI's `/embed` answer: a bare array of vectors.
    func teiBody() -> [UInt8] {
        JSONWriter.bytes(.array(vectors.map(Self.json)))
    }

    /// vLLM's OpenAI embeddings answer, with usage.
    func openAIBody(model: String) -> [UInt8] {
        let data = vectors.enumerated().map { index, vector -> JSONValue in
            .object([("index", .int(index)), ("object", .string("embedding")), ("embedding", Self.json(vector))])
        }
        return JSONWriter.bytes(
            .object([
                ("id", .string("embd-emulator")), ("object", .string("list")), ("created", .int(0)),
                ("model", .string(model)), ("data", .array(data)),
                (
                    "usage",
                    .object([
                        ("prompt_tokens", .int(promptTokens)), ("total_tokens", .int(promptTokens)),
                        ("completion_tokens", .int(0)),
                    ])
                ),
            ]))
    }

    private static func json(_ vector: [Float]) -> JSONValue {
        .array(vector.map { .number($0.description) })
    }

    private static func teiOrVLLM(_ inputKey: String, _ status: Int, _ message: String) -> ChatScript.Failure {
        guard inputKey == "inputs" else { return ChatScript.vllmError(status, "BadRequestError", message) }
        return .container(
            status: status,
            body: JSONWriter.string(.object([("error", .string(message)), ("error_type", .string("Validation"))])))
    }
}
