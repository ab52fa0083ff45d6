import ModelFormats

/// How a route's model is reached, decided by its format in this one place so that chat, completions and
/// embeddings never branch on it: `sagemaker-openai` models through SageMaker's OpenAI-compatible route with a
/// bearer token, answered with plain JSON or SSE (`SageMakerOpenAIRequest`); every other format through
/// SigV4-signed `InvokeEndpoint` / `InvokeEndpointWithResponseStream`, whose stream wraps the container's bytes
/// in the AWS event stream (`SageMakerInvocation`).
/// https://docs.aws.amazon.com/sagemaker/latest/dg/realtime-endpoints-openai-compatible.html
extension ModelRoute {
    package var usesOpenAIRoute: Bool { format == .sagemakerOpenAI }

    /// The decoder for a streamed answer whose container output `parser` reads.
    package func streamDecoder(parser: any ModelStreamParser) -> any ResponseStreamDecoder {
        usesOpenAIRoute ? PlainStreamDecoder(parser: parser) : SageMakerStreamDecoder(parser: parser)
    }
}

extension SageMakerOpenAIRequest.Operation {
    /// The OpenAI route's path for the gateway endpoint it serves: the same OpenAI path below `/openai`.
    package init(_ endpoint: ModelRoute.Endpoint) {
        switch endpoint {
        case .chatCompletions: self = .chatCompletions
        case .completions: self = .completions
        case .embeddings: self = .embeddings
        }
    }
}
