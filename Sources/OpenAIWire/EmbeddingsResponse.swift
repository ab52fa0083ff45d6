import GatewayWire

/// Renders an embeddings answer as OpenAI's `list` of `embedding` objects.
/// https://platform.openai.com/docs/api-reference/embeddings/object
///
/// Floats are written as the shortest text that reads back as the same float32 (`Float32Text`); base64
/// is the little-endian float32 bytes (`Base64`), so either encoding gives the client the container's
/// vector bit for bit.
package enum EmbeddingsResponse {
    /// `promptTokenEstimate` is used only when the container reported no count (see `UsageEstimate`).
    package static func json(
        _ result: EmbeddingsResult, format: EmbeddingsRequest.EncodingFormat, model: String, promptTokenEstimate: Int
    ) -> JSONValue {
        let data = result.vectors.enumerated().map { index, vector -> JSONValue in
            let embedding: JSONValue
            switch format {
            case .float: embedding = .array(vector.map { Float32Text.json($0) ?? .null })
            case .base64: embedding = .string(Base64.encode(float32LittleEndian: vector))
            }
            return .object([("object", .string("embedding")), ("index", .int(index)), ("embedding", embedding)])
        }
        let tokens = result.promptTokens ?? promptTokenEstimate
        return .object([
            ("object", .string("list")),
            ("data", .array(data)),
            ("model", .string(model)),
            ("usage", .object([("prompt_tokens", .int(tokens)), ("total_tokens", .int(tokens))])),
        ])
    }

    package static func bytes(
        _ result: EmbeddingsResult, format: EmbeddingsRequest.EncodingFormat, model: String, promptTokenEstimate: Int
    ) -> [UInt8] {
        JSONWriter.bytes(json(result, format: format, model: model, promptTokenEstimate: promptTokenEstimate))
    }
}
