/// How the emulated container's answer to a non-chat body reaches the caller, which depends on the SageMaker API
/// that carried the request, not on the container.
enum ContainerDelivery: Equatable {
    /// `InvokeEndpoint`, or with `streaming` `InvokeEndpointWithResponseStream`: the container's errors wrapped in
    /// SageMaker's `ModelError`, streams in PayloadPart messages, the variant named in a header.
    /// https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpoint.html
    case invocation(variant: String, streaming: Bool)
    /// SageMaker's OpenAI-compatible route: the container's answer as it is — JSON, plain SSE when the body asks
    /// to stream, its own error status and body.
    /// https://docs.aws.amazon.com/sagemaker/latest/dg/realtime-endpoints-openai-compatible.html
    case openAIRoute
}
