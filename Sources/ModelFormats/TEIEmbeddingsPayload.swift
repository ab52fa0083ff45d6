import GatewayWire

/// Bodies for an `embeddings`-format container (Text Embeddings Inference, and the Hugging Face
/// embedding containers that take the same shape): `{"inputs": [...]}`, answered with a bare array of
/// vectors. https://huggingface.github.io/text-embeddings-inference/#/Text%20Embeddings%20Inference/embed
///
/// TEI refuses a request with more inputs than its `--max-client-batch-size` (32 by default) with a 413,
/// so the inputs are cut into batches of at most `maxBatchSize`, sent in order.
package enum TEIEmbeddingsPayload {
    /// OpenAI-only fields, or ones written here; anything else is a TEI option (`truncate`, `normalize`,
    /// `prompt_name`) and passes through.
    private static let skippedFields: Set<String> = [
        "model", "input", "inputs", "encoding_format", "dimensions", "user",
    ]

    /// One body per batch, in input order. `dimensions` is passed as TEI ≥ 1.6 reads it (Matryoshka
    /// models); the translator checks the answer's length, since older containers ignore it.
    package static func bodies(for request: EmbeddingsRequest, maxBatchSize: Int) -> [[UInt8]] {
        let size = max(1, maxBatchSize)
        let extra = request.parameters.filter { !skippedFields.contains($0.0) && !$0.1.isNull }
        return stride(from: 0, to: request.input.count, by: size).map { start in
            let batch = request.input.slice(start..<min(start + size, request.input.count))
            var members: [(String, JSONValue)] = [("inputs", batch.json)]
            if let dimensions = request.dimensions { members.append(("dimensions", .int(dimensions))) }
            members += extra
            return JSONWriter.bytes(.object(members))
        }
    }
}
