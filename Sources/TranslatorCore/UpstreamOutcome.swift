/// How one SageMaker call ended, as the `outcome` label of `gateway_upstream_requests_total`: few values,
/// each one an operator acts on differently (raise quotas, fix the model, look at the network).
package enum UpstreamOutcome: String, CaseIterable, Sendable {
    case ok
    /// `ThrottlingException`, `ModelNotReadyException` or HTTP 429: capacity, not a fault.
    case throttled
    /// `ModelError` (the container failed or refused) and OpenAI-route container errors.
    case modelError = "model_error"
    /// No answer in time: connect, total or idle timeout.
    case timeout
    /// No connection at all: refused, unreachable, name not resolved.
    case connectionFailure = "connection_failure"
    /// Any other refusal or failure: validation, credentials, SageMaker's own 5xx, a broken transfer.
    case error

    /// The outcome of a call that got an HTTP answer; `errorType` is `x-amzn-ErrorType` when present.
    package init(status: Int, errorType: String?) {
        // Nearly every call: no need to normalise an error type that cannot change the answer.
        if (200..<300).contains(status) {
            self = .ok
            return
        }
        let type = SageMakerErrorMapper.errorTypeName(errorType ?? "")
        switch (status, type) {
        case (200..<300, _): self = .ok
        case (_, "ThrottlingException"), (_, "ModelNotReadyException"), (429, _): self = .throttled
        case (_, "ModelError"), (424, _): self = .modelError
        default: self = .error
        }
    }
}
