import GatewayWire
import Testing

@testable import TranslatorCore

@Suite("SageMakerErrorMapper")
struct SageMakerErrorMapperTests {
    static let suffix = ":http://internal.amazon.com/coral/com.amazon.sagemaker/"

    static func map(_ status: Int, type: String? = nil, _ body: String) -> GatewayError {
        SageMakerErrorMapper.map(
            status: status,
            headers: type.map { [("X-Amzn-ErrorType", $0 + suffix), ("Content-Type", "application/json")] } ?? [],
            body: Array(body.utf8), endpointName: "my-endpoint")
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var type: String
        var status: Int
        var message: String
        var kind: GatewayError.Kind
        var retryAfter: Int?
        var testDescription: String { type }
    }

    static let byType: [Case] = [
        Case(type: "ValidationError", status: 400, message: "1 validation error detected", kind: .upstreamBadRequest),
        Case(type: "ThrottlingException", status: 400, message: "Rate exceeded", kind: .throttled, retryAfter: 1),
        Case(type: "ModelNotReadyException", status: 429, message: "Model not ready", kind: .throttled, retryAfter: 5),
        Case(type: "ServiceUnavailable", status: 503, message: "unavailable", kind: .serviceUnavailable),
        Case(type: "InternalFailure", status: 500, message: "boom", kind: .upstreamFailure),
        Case(type: "InternalDependencyException", status: 530, message: "dep", kind: .upstreamFailure),
        Case(
            type: "InvalidSignatureException", status: 403,
            message: "The request signature we calculated does not match", kind: .credentialsFailure),
        Case(
            type: "UnrecognizedClientException", status: 403,
            message: "The security token included in the request is invalid", kind: .credentialsFailure),
        Case(
            type: "ExpiredTokenException", status: 403,
            message: "The security token included in the request is expired", kind: .credentialsFailure),
        Case(
            type: "AccessDeniedException", status: 403,
            message: "User: arn:aws:sts::123:assumed-role/x is not authorized", kind: .credentialsFailure),
        Case(type: "IncompleteSignatureException", status: 403, message: "incomplete", kind: .credentialsFailure),
        Case(type: "MissingAuthenticationTokenException", status: 403, message: "missing", kind: .credentialsFailure),
        Case(type: "InvalidClientTokenId", status: 403, message: "invalid", kind: .credentialsFailure),
    ]

    @Test("from x-amzn-ErrorType", arguments: byType)
    func fromHeader(_ c: Case) {
        let error = Self.map(c.status, type: c.type, #"{"message":"\#(c.message)"}"#)
        #expect(error.kind == c.kind)
        #expect(error.retryAfterSeconds == c.retryAfter)
        #expect(SageMakerErrorMapper.isCredentialError(error) == (c.kind == .credentialsFailure))
    }

    @Test("from the body's __type", arguments: byType)
    func fromBody(_ c: Case) {
        let error = Self.map(c.status, #"{"__type":"com.amazon.coral.service#\#(c.type)","Message":"\#(c.message)"}"#)
        #expect(error.kind == c.kind)
        #expect(error.retryAfterSeconds == c.retryAfter)
    }

    @Test func headerWinsOverBody() {
        let error = Self.map(400, type: "ThrottlingException", #"{"__type":"ValidationError","message":"x"}"#)
        #expect(error.kind == .throttled)
    }

    @Test(
        arguments: [
            "ValidationError", "ValidationError:http://internal.amazon.com/coral/com.amazon.sagemaker/",
            "com.amazon.coral.validate#ValidationError", "com.amazon.coral.validate#ValidationError:http://x/",
            " ValidationError ",
        ])
    func errorTypeName(_ raw: String) {
        #expect(SageMakerErrorMapper.errorTypeName(raw) == "ValidationError")
    }

    @Test func endpointNotFoundValidationError() {
        let error = Self.map(
            400, type: "ValidationError",
            #"{"message":"Endpoint my-endpoint of account 123456789012 not found."}"#)
        #expect(
            error
                == GatewayError(
                    .endpointNotFound,
                    "SageMaker endpoint not found: Endpoint my-endpoint of account 123456789012 not found.",
                    param: "model"))
        #expect(
            Self.map(400, type: "ValidationError", #"{"message":"Inference Component llama-ic Not Found"}"#).kind
                == .endpointNotFound)
    }

    @Test func otherValidationErrorIsABadRequestWithTheMessage() {
        let error = Self.map(400, type: "ValidationError", #"{"message":"Received an invalid content type"}"#)
        #expect(
            error
                == GatewayError(.upstreamBadRequest, "SageMaker rejected the request: Received an invalid content type")
        )
    }

    @Test func modelErrorWithA4xxOriginalStatusIsABadRequest() {
        let body = #"""
            {"ErrorCode":"CLIENT_ERROR_FROM_MODEL","LogStreamArn":"arn:aws:logs:...",
             "Message":"Received client error (400) from primary with message \"{...}\". See logs.",
             "OriginalMessage":"{\"object\":\"error\",\"message\":\"max_tokens must be at least 1, got 0.\",\"type\":\"BadRequestError\",\"code\":400}",
             "OriginalStatusCode":400}
            """#
        #expect(
            Self.map(424, type: "ModelError", body)
                == GatewayError(.upstreamBadRequest, "max_tokens must be at least 1, got 0."))
        // TGI's shape: {"error": "...", "error_type": "validation"}.
        let tgi =
            #"{"OriginalMessage":"{\"error\":\"Input validation error: `inputs` must have less than 4096 tokens.\",\"error_type\":\"validation\"}","OriginalStatusCode":422}"#
        #expect(
            Self.map(424, type: "ModelError", tgi)
                == GatewayError(
                    .upstreamBadRequest, "Input validation error: `inputs` must have less than 4096 tokens."))
        // OpenAI's nested shape.
        let nested = #"{"OriginalMessage":"{\"error\":{\"message\":\"bad role\"}}","OriginalStatusCode":400.0}"#
        #expect(Self.map(424, type: "ModelError", nested) == GatewayError(.upstreamBadRequest, "bad role"))
    }

    @Test func modelErrorWithA5xxOrMissingOriginalStatusIsAModelFailure() {
        let plain =
            #"{"Message":"Received server error (500)","OriginalMessage":"CUDA out of memory","OriginalStatusCode":500}"#
        #expect(
            Self.map(424, type: "ModelError", plain)
                == GatewayError(.upstreamModelError, "The model failed: CUDA out of memory"))
        let noOriginal = #"{"__type":"ModelError","message":"Received server error (0) from primary"}"#
        #expect(
            Self.map(424, noOriginal)
                == GatewayError(.upstreamModelError, "The model failed: Received server error (0) from primary"))
        let long = String(repeating: "x", count: 5000)
        let truncated = Self.map(424, type: "ModelError", #"{"OriginalMessage":"\#(long)","OriginalStatusCode":503}"#)
        #expect(truncated.message == "The model failed: " + String(repeating: "x", count: 2000))
    }

    @Test func credentialErrorsCarryNoSecrets() {
        let secretish =
            "Credential=ASIAEXAMPLE/20150830/us-east-1/sagemaker, signature 5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7, token IQoJb3JpZ2lu"
        for type in ["InvalidSignatureException", "ExpiredTokenException", "UnrecognizedClientException"] {
            let error = Self.map(403, type: type, #"{"message":"\#(secretish)"}"#)
            #expect(error == GatewayError(.credentialsFailure, "The gateway could not authenticate to SageMaker."))
            #expect(!error.message.contains("ASIA"))
            #expect(!error.message.contains("IQoJ"))
        }
    }

    @Test func unknownErrors() {
        #expect(
            Self.map(404, "<html>Not Found</html>")
                == GatewayError(.endpointNotFound, "SageMaker endpoint my-endpoint was not found.", param: "model"))
        #expect(Self.map(502, "") == GatewayError(.upstreamFailure, "SageMaker answered HTTP 502."))
        #expect(
            Self.map(500, type: "SomethingNew", "{}")
                == GatewayError(.upstreamFailure, "SageMaker answered HTTP 500 (SomethingNew)."))
        #expect(
            Self.map(503, #"{"code":"Weird"}"#)
                == GatewayError(.upstreamFailure, "SageMaker answered HTTP 503 (Weird)."))
    }

    @Test func streamExceptions() {
        #expect(
            SageMakerErrorMapper.mapStreamException(
                type: "ModelStreamError",
                payload: Array(#"{"ErrorCode":"ModelError","Message":"container crashed"}"#.utf8))
                == GatewayError(.modelStreamError, "The model failed mid-stream (ModelError): container crashed"))
        #expect(
            SageMakerErrorMapper.mapStreamException(
                type: "ModelStreamError", payload: Array(#"{"Message":"oops"}"#.utf8))
                == GatewayError(.modelStreamError, "The model failed mid-stream: oops"))
        #expect(
            SageMakerErrorMapper.mapStreamException(
                type: "InternalStreamFailure", payload: Array(#"{"message":"internal"}"#.utf8))
                == GatewayError(.upstreamFailure, "SageMaker's stream failed: internal"))
        #expect(
            SageMakerErrorMapper.mapStreamException(type: "InternalStreamFailure", payload: Array("not json".utf8))
                == GatewayError(.upstreamFailure, "SageMaker's stream failed: not json"))
        #expect(
            SageMakerErrorMapper.mapStreamException(type: "Other", payload: [])
                == GatewayError(.upstreamFailure, "SageMaker stream exception Other: "))
    }
}
