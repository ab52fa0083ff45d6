/// What the translator needs from a streamed answer's decoder, whichever way SageMaker frames it: bytes in as
/// the HTTP body arrives, model events (or one terminal error) out. `SageMakerStreamDecoder` reads the AWS event
/// stream of `InvokeEndpointWithResponseStream`; `PlainStreamDecoder` reads a body that is the container's
/// stream itself (SageMaker's OpenAI-compatible route).
package protocol ResponseStreamDecoder {
    /// Adds what `bytes` complete to the end of `outputs`: the caller's array, so one allocation serves the
    /// whole stream instead of one per chunk.
    /// `bytes` are only borrowed for the call (curl's own buffer).
    mutating func append(_ bytes: UnsafeRawBufferPointer, into outputs: inout [SageMakerStreamDecoder.Output])
    /// End of the HTTP body: whatever was held back.
    mutating func finish() -> [SageMakerStreamDecoder.Output]
}

extension ResponseStreamDecoder {
    package mutating func append(_ bytes: [UInt8], into outputs: inout [SageMakerStreamDecoder.Output]) {
        bytes.withUnsafeBytes { append($0, into: &outputs) }
    }

    /// What `bytes` complete, in a new array.
    package mutating func append(_ bytes: [UInt8]) -> [SageMakerStreamDecoder.Output] {
        var outputs: [SageMakerStreamDecoder.Output] = []
        append(bytes, into: &outputs)
        return outputs
    }
}
