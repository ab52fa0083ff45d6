import Testing

@testable import TranslatorCore

@Suite struct UpstreamOutcomeTests {
    @Test func statusAndErrorTypeDecide() {
        #expect(UpstreamOutcome(status: 200, errorType: nil) == .ok)
        #expect(UpstreamOutcome(status: 429, errorType: nil) == .throttled)
        #expect(
            UpstreamOutcome(
                status: 400, errorType: "ThrottlingException:http://internal.amazon.com/coral/com.amazon.sagemaker/")
                == .throttled)
        #expect(UpstreamOutcome(status: 429, errorType: "ModelNotReadyException") == .throttled)
        #expect(
            UpstreamOutcome(status: 424, errorType: "ModelError:http://internal.amazon.com/coral/x/") == .modelError)
        #expect(UpstreamOutcome(status: 424, errorType: nil) == .modelError)
        #expect(UpstreamOutcome(status: 400, errorType: "ValidationError") == .error)
        #expect(UpstreamOutcome(status: 500, errorType: "InternalFailure") == .error)
        #expect(
            UpstreamOutcome.allCases.map(\.rawValue) == [
                "ok", "throttled", "model_error", "timeout", "connection_failure", "error",
            ])
    }
}
