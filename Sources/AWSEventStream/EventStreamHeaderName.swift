/// Header names AWS services (SageMaker Runtime's InvokeEndpointWithResponseStream among them) put on their messages.
/// https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpointWithResponseStream.html
package enum EventStreamHeaderName {
    /// `event`, `exception` or `error`.
    package static let messageType = ":message-type"
    /// The event's shape on `event` messages, e.g. `PayloadPart`.
    package static let eventType = ":event-type"
    /// The modeled exception on `exception` messages, e.g. `ModelStreamError`, `InternalStreamFailure`.
    package static let exceptionType = ":exception-type"
    /// Unmodeled failures on `error` messages.
    package static let errorCode = ":error-code"
    package static let errorMessage = ":error-message"
    package static let contentType = ":content-type"
}
