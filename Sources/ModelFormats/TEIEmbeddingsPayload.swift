import GatewayWire

/// Bodies for an `embeddings`-format container (Text Embeddings Inference, and the Hugging Face
/// embedding containers that take the same shape): `{"inputs": [...]}`, answered with a bare array of
/// vectors. https://huggingface.github.io/text-embeddings-inference/#/Text%20Embeddings%20Inference/embed
package enum TEIEmbeddingsPayload {
    /// OpenAI-only fields, or ones written here; anything else is a TEI option (`truncate`, `normalize`,
    /// `prompt_name`) and passes through.
    private static let skippedFields: Set<String> = [
        "model", "input", "inputs", "encoding_format", "dimensions", "user",
    ]

    /// One body per batch (`EmbeddingsBatching`), in input order. `dimensions` is passed as TEI ≥ 1.6 reads
    /// it (Matryoshka models); the translator checks the answer's length, since older containers ignore it.
    package static func bodies(for request: EmbeddingsRequest, maxBatchSize: Int) -> [[UInt8]] {
        let extra = request.parameters.filter { !skippedFields.contains($0.0) && !$0.1.isNull }
        return EmbeddingsBatching.ranges(count: request.input.count, maxBatchSize: maxBatchSize).map { range in
            var members: [(String, JSONValue)] = [("inputs", request.input.slice(range).json)]
            if let dimensions = request.dimensions { members.append(("dimensions", .int(dimensions))) }
            members += extra
            return JSONWriter.bytes(.object(members))
        }
    }
}
