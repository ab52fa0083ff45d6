import GatewayWire
import Testing

@testable import TranslatorCore

/// Error answers of SageMaker's OpenAI-compatible route: the container's own by status, SageMaker's by type.
@Suite("SageMakerOpenAIErrorMapper")
struct SageMakerOpenAIErrorMapperTests {
    static func map(_ status: Int, _ body: String, headers: [(String, String)] = []) -> GatewayError {
        SageMakerOpenAIErrorMapper.map(status: status, headers: headers, body: Array(body.utf8), endpointName: "ep")
    }

    @Test func containerClientErrorsAre400WithTheirMessage() {
        #expect(
            Self.map(400, #"{"object":"error","message":"max_tokens is too large","type":"BadRequestError"}"#)
                == GatewayError(.upstreamBadRequest, "max_tokens is too large"))
        #expect(
            Self.map(422, #"{"error":{"message":"bad temperature","type":"invalid_request_error"}}"#)
                == GatewayError(.upstreamBadRequest, "bad temperature"))
        #expect(Self.map(400, "") == GatewayError(.upstreamBadRequest, "The model refused the request (HTTP 400)."))
    }

    @Test func notFoundIs404() {
        let error = Self.map(404, #"{"message":"The model `x` does not exist."}"#)
        #expect(error.kind == .endpointNotFound)
        #expect(error.param == "model")
        #expect(error.message.hasSuffix("The model `x` does not exist."))
    }

    @Test func refusedTokenIsACredentialsFailureWithoutDetails() {
        for status in [401, 403] {
            let error = Self.map(
                status, #"{"message":"Bearer Token has expired"}"#,
                headers: [("x-amzn-ErrorType", "AccessDeniedException:http://internal.amazon.com/coral/x/")])
            #expect(error == GatewayError(.credentialsFailure, "The gateway could not authenticate to SageMaker."))
            #expect(SageMakerErrorMapper.isCredentialError(error))
        }
    }

    @Test func throttlingKeepsRetryAfter() {
        #expect(Self.map(429, "", headers: [("Retry-After", "7")]).retryAfterSeconds == 7)
        #expect(Self.map(429, "", headers: [("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")]).retryAfterSeconds == 1)
        #expect(Self.map(429, "").kind == .throttled)
    }

    @Test func serverErrorsAre502() {
        let error = Self.map(500, #"{"object":"error","message":"CUDA out of memory"}"#)
        #expect(error == GatewayError(.upstreamModelError, "The model failed (HTTP 500): CUDA out of memory"))
        #expect(Self.map(503, "").kind == .upstreamModelError)
    }

    @Test func sageMakersOwnErrorsMapAsOnInvokeEndpoint() {
        let type = [("x-amzn-ErrorType", "ValidationError:http://internal.amazon.com/coral/com.amazon.sagemaker/")]
        #expect(
            Self.map(400, #"{"message":"Endpoint ep of account 1 not found."}"#, headers: type).kind
                == .endpointNotFound)
        let throttled = [("x-amzn-ErrorType", "ThrottlingException:http://internal.amazon.com/coral/x/")]
        #expect(Self.map(400, #"{"message":null}"#, headers: throttled).kind == .throttled)
    }
}
