/// How a client's non-streamed chat or completion reaches SageMaker (`upstream_streaming` in MODELS_FILE).
///
/// `InvokeEndpoint` gives up after 60 seconds, so a long generation asked for without `stream` fails
/// there; `InvokeEndpointWithResponseStream` has no such limit. So by default the translator asks the
/// container to stream and assembles the answer itself; the client still gets one JSON object, with usage.
/// https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpoint.html
package enum UpstreamStreaming: String, Equatable, Sendable, CaseIterable {
    /// Stream upstream; if SageMaker refuses the streaming call with a `ValidationError` (a container
    /// that cannot stream), ask again once with `InvokeEndpoint`.
    case auto
    /// Stream upstream, never fall back.
    case always
    /// `InvokeEndpoint` for non-streamed requests (the 60-second limit applies).
    case never

    /// Whether a request the client did not stream goes upstream as a stream.
    package func streamsUpstream(clientStreams: Bool) -> Bool {
        clientStreams || self != .never
    }

    /// Whether a refused streaming call may be retried with `InvokeEndpoint`.
    package func fallsBack(clientStreams: Bool) -> Bool {
        !clientStreams && self == .auto
    }
}
