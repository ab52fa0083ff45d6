import GatewayWire

/// Reads a container's embeddings answer into float32 vectors, in input order.
package enum EmbeddingsResponseParser {
    /// OpenAI's `{"object": "list", "data": [{"index", "embedding"}], "usage": {"prompt_tokens"}}`, as vLLM
    /// and SGLang answer; `data` is put in `index` order. https://platform.openai.com/docs/api-reference/embeddings/object
    package static func openAI(_ body: [UInt8], expected count: Int) -> Result<EmbeddingsResult, GatewayError> {
        let json: JSONValue
        switch parse(body) {
        case .success(let j): json = j
        case .failure(let error): return .failure(error)
        }
        if let message = OpenAIChunkDecoder.errorMessage(in: json) {
            return .failure(GatewayError(.upstreamModelError, message))
        }
        guard let data = json["data"]?.arrayValue else {
            return .failure(malformed("has no 'data' list"))
        }
        var byIndex: [Int: [Float]] = [:]
        for (position, item) in data.enumerated() {
            guard let vector = floats(item["embedding"]) else {
                return .failure(malformed("data[\(position)].embedding is not a list of finite numbers"))
            }
            byIndex[item["index"]?.intValue ?? position] = vector
        }
        var vectors: [[Float]] = []
        for index in 0..<count {
            guard let vector = byIndex[index] else {
                return .failure(malformed("has \(data.count) embeddings for \(count) inputs"))
            }
            vectors.append(vector)
        }
        guard byIndex.count == count else {
            return .failure(malformed("has \(data.count) embeddings for \(count) inputs"))
        }
        return .success(EmbeddingsResult(vectors: vectors, promptTokens: json["usage"]?["prompt_tokens"]?.intValue))
    }

    /// TEI's bare array of vectors, one per input of the batch.
    package static func tei(_ body: [UInt8], expected count: Int) -> Result<[[Float]], GatewayError> {
        let json: JSONValue
        switch parse(body) {
        case .success(let j): json = j
        case .failure(let error): return .failure(error)
        }
        if case .object = json, let message = teiError(json) {
            return .failure(GatewayError(.upstreamModelError, message))
        }
        guard let list = json.arrayValue else { return .failure(malformed("is not a list of vectors")) }
        guard list.count == count else { return .failure(malformed("has \(list.count) vectors for \(count) inputs")) }
        var vectors: [[Float]] = []
        vectors.reserveCapacity(count)
        for (i, item) in list.enumerated() {
            guard let vector = floats(item) else {
                return .failure(malformed("vector \(i) is not a list of finite numbers"))
            }
            vectors.append(vector)
        }
        return .success(vectors)
    }

    /// TEI's `{"error": "...", "error_type": "Validation"}`, or OpenAI's and vLLM's error shapes.
    private static func teiError(_ json: JSONValue) -> String? {
        if let text = json["error"]?.stringValue {
            guard let type = json["error_type"]?.stringValue else { return text }
            return "\(text) (\(type))"
        }
        return OpenAIChunkDecoder.errorMessage(in: json)
    }

    private static func floats(_ value: JSONValue?) -> [Float]? {
        guard let items = value?.arrayValue else { return nil }
        var vector: [Float] = []
        vector.reserveCapacity(items.count)
        for item in items {
            guard let f = Float32Text.float(item) else { return nil }
            vector.append(f)
        }
        return vector
    }

    private static func parse(_ body: [UInt8]) -> Result<JSONValue, GatewayError> {
        do {
            return .success(try JSONParser.parse(body))
        } catch {
            return .failure(GatewayError(.upstreamFailure, "The model container's response is not JSON (\(error))."))
        }
    }

    private static func malformed(_ what: String) -> GatewayError {
        GatewayError(.upstreamFailure, "The model container's embeddings response \(what).")
    }
}
