/// How an embeddings request is cut into container calls: consecutive ranges of at most `maxBatchSize`
/// inputs, in order. TEI refuses more than its `--max-client-batch-size` (32 by default) with a 413, and
/// SageMaker caps an `InvokeEndpoint` answer at 6 MB, which a few hundred large vectors as JSON text exceed,
/// so both embedding formats are batched.
package enum EmbeddingsBatching {
    package static func ranges(count: Int, maxBatchSize: Int) -> [Range<Int>] {
        let size = max(1, maxBatchSize)
        return stride(from: 0, to: count, by: size).map { $0..<min($0 + size, count) }
    }
}
