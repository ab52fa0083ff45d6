/// What the translator answers an embeddings request with: one float32 vector per input, in input order,
/// and the container's prompt token count when it reported one (TEI does not; the shim then estimates).
package struct EmbeddingsResult: Equatable, Sendable {
    package var vectors: [[Float]]
    package var promptTokens: Int?

    package init(vectors: [[Float]], promptTokens: Int?) {
        self.vectors = vectors
        self.promptTokens = promptTokens
    }
}
