/// What the translator needs from a streamed answer's decoder, whichever way SageMaker frames it: bytes in as
/// the HTTP body arrives, model events (or one terminal error) out. `SageMakerStreamDecoder` reads the AWS event
/// stream of `InvokeEndpointWithResponseStream`; `PlainStreamDecoder` reads a body that is the container's
/// stream itself (SageMaker's OpenAI-compatible route).
package protocol ResponseStreamDecoder {
    mutating func append(_ bytes: [UInt8]) -> [SageMakerStreamDecoder.Output]
    /// End of the HTTP body: whatever was held back.
    mutating func finish() -> [SageMakerStreamDecoder.Output]
}
