import GatewayWire

/// The body an `openai`-format container (vLLM, SGLang serving an embedding model) is invoked with for
/// `POST /v1/embeddings`. https://platform.openai.com/docs/api-reference/embeddings/create
package enum OpenAIEmbeddingsPayload {
    private static let ownFields: Set<String> = ["model", "input", "encoding_format", "dimensions"]

    /// `model` is `container_model` or empty, as for chat. Floats are always asked for whatever the client
    /// wants: the gateway writes base64 itself, from the same float32 values.
    package static func body(for request: EmbeddingsRequest, containerModel: String?) -> [UInt8] {
        var members: [(String, JSONValue)] = [
            ("model", .string(containerModel ?? "")),
            ("input", request.input.json),
            ("encoding_format", .string("float")),
        ]
        if let dimensions = request.dimensions { members.append(("dimensions", .int(dimensions))) }
        members += request.parameters.filter { !ownFields.contains($0.0) }
        return JSONWriter.bytes(.object(members))
    }

    /// One body per batch (`EmbeddingsBatching`), in input order.
    package static func bodies(for request: EmbeddingsRequest, containerModel: String?, maxBatchSize: Int) -> [[UInt8]]
    {
        EmbeddingsBatching.ranges(count: request.input.count, maxBatchSize: maxBatchSize).map { range in
            var batch = request
            batch.input = request.input.slice(range)
            return body(for: batch, containerModel: containerModel)
        }
    }
}
