import CurlMulti
import GatewayLog
import GatewayMetrics
import TranslatorCore

extension Session {
    /// Wraps a SageMaker call's `onResponseHead` and `onComplete` (set them first) so that its end is counted in
    /// `TranslatorMetrics` and logged once, with SageMaker's `x-amzn-RequestId` beside the gateway's request id
    /// (the pair AWS support asks for). Nothing runs per body chunk. A call cancelled because the client left
    /// never completes, so it is neither counted nor logged here (the session logs the cancel).
    func recordUpstream(_ transfer: CurlTransfer, route: ModelRoute, streaming: Bool) {
        let record = UpstreamRecord(
            endpoint: route.endpoint, requestId: requestId, metrics: server.metrics,
            operation: route.usesOpenAIRoute
                ? "openai_route" : streaming ? "InvokeEndpointWithResponseStream" : "InvokeEndpoint",
            onResponse: transfer.onResponseHead, onComplete: transfer.onComplete)
        // Each captures the record alone, so neither allocates a context of its own.
        transfer.onResponseHead = { record.responseStarted(status: $0, head: $1) }
        transfer.onComplete = { record.finished($0) }
    }
}

/// What one SageMaker call's two callbacks share, with the callbacks they wrap: one object, where the four
/// variables they captured were four boxes, and their two contexts two more allocations, on every call.
///
/// Its per-request stored properties are `@exclusivity(unchecked)` (see `EventLoop`'s note on it).
private final class UpstreamRecord {
    let endpoint: String
    let requestId: String
    let metrics: UpstreamMetrics
    let operation: String
    let watch = Stopwatch()
    private let onResponse: ((_ status: Int, _ head: ResponseHead) -> Void)?
    private let onComplete: ((Result<Void, CurlError>) -> Void)?
    @exclusivity(unchecked) private var status = 0
    @exclusivity(unchecked) private var headersAfter: Double?
    /// The response's head. SageMaker's request id (only the log line reads it) and error type (only a refusal's
    /// outcome reads it) are looked up when needed, not on every call: each was a scan of the fields and a string.
    @exclusivity(unchecked) private var head: ResponseHead?

    init(
        endpoint: String, requestId: String, metrics: UpstreamMetrics, operation: String,
        onResponse: ((_ status: Int, _ head: ResponseHead) -> Void)?,
        onComplete: ((Result<Void, CurlError>) -> Void)?
    ) {
        self.endpoint = endpoint
        self.requestId = requestId
        self.metrics = metrics
        self.operation = operation
        self.onResponse = onResponse
        self.onComplete = onComplete
    }

    func responseStarted(status: Int, head: ResponseHead) {
        self.status = status
        headersAfter = watch.elapsed
        self.head = head
        onResponse?(status, head)
    }

    func finished(_ result: Result<Void, CurlError>) {
        let outcome: UpstreamOutcome
        switch result {
        case .success:
            // A 2xx is `ok` whatever its error type.
            let errorType = (200..<300).contains(status) ? nil : head?.lastValue(of: "x-amzn-errortype")
            outcome = UpstreamOutcome(status: status, errorType: errorType)
        case .failure(.timedOut): outcome = .timeout
        case .failure(.couldNotConnect): outcome = .connectionFailure
        case .failure: outcome = .error
        }
        let seconds = headersAfter ?? watch.elapsed
        metrics.upstreamFinished(endpoint: endpoint, operation: operation, outcome: outcome.rawValue, seconds: seconds)
        // The level checked first: the fields are built before `Log` could drop the line, on every call.
        if Log.logs(.info) {
            let upstreamId = head?.lastValue(of: "x-amzn-requestid") ?? "-"
            Log.info(
                "SageMaker \(operation) \(endpoint): \(outcome.rawValue), HTTP \(status), headers after "
                    + "\(Int(seconds * 1000)) ms, done after \(Int(watch.elapsed * 1000)) ms",
                ["request_id": requestId, "upstream_request_id": upstreamId, "endpoint": endpoint])
        }
        onComplete?(result)
    }
}
