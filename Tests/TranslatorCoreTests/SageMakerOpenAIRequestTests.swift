import AWSSigV4
import Foundation
import Testing

@testable import TranslatorCore

/// URLs and headers of SageMaker's OpenAI-compatible route: the endpoint and inference component as path
/// segments, endpoint overrides with their base path, and a bearer token instead of a signature.
@Suite("SageMakerOpenAIRequest")
struct SageMakerOpenAIRequestTests {
    static let token = SageMakerBearerToken.mint(
        credentials: AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret"), region: "us-east-1",
        at: Date(timeIntervalSince1970: 1_779_354_942))

    static func regional(_ region: String) throws -> ServiceEndpoint {
        try EndpointResolver.endpoint(for: .sagemakerRuntime, region: region, environment: [:]).get()
    }

    @Test func endpointRoute() throws {
        let request = SageMakerOpenAIRequest.request(
            endpoint: try Self.regional("us-west-2"), route: ModelRoute(id: "m", endpoint: "my-endpoint"),
            operation: .chatCompletions, body: Array("{}".utf8), stream: false, token: Self.token)
        #expect(request.method == "POST")
        #expect(
            request.url
                == "https://runtime.sagemaker.us-west-2.amazonaws.com/endpoints/my-endpoint/openai/v1/chat/completions")
        #expect(request.headers.map(\.name) == ["content-type", "accept", "authorization"])
        #expect(request.headers.map(\.value) == ["application/json", "application/json", Self.token.authorization])
        #expect(Self.token.authorization.hasPrefix("Bearer sagemaker-api-key-"))
        #expect(request.body == Array("{}".utf8))
    }

    @Test func inferenceComponentRouteStreaming() throws {
        let route = ModelRoute(id: "m", endpoint: "shared", format: .sagemakerOpenAI, inferenceComponent: "llama-ic")
        let request = SageMakerOpenAIRequest.request(
            endpoint: try Self.regional("cn-north-1"), route: route, operation: .chatCompletions, body: [],
            stream: true, token: Self.token)
        #expect(
            request.url
                == "https://runtime.sagemaker.cn-north-1.amazonaws.com.cn/endpoints/shared/inference-components/llama-ic/openai/v1/chat/completions"
        )
        #expect(request.headers.first { $0.name == "accept" }?.value == "text/event-stream")
        // No SigV4: nothing the signer would add.
        #expect(!request.headers.contains { $0.name.lowercased().hasPrefix("x-amz") })
    }

    @Test func endpointOverrideKeepsItsBasePathAndPort() throws {
        let endpoint = try EndpointResolver.endpoint(
            for: .sagemakerRuntime, region: "us-east-1",
            environment: [
                "AWS_ENDPOINT_URL": "http://elsewhere:1",
                "AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME": "http://127.0.0.1:8081/proxy/",
            ]
        ).get()
        let route = ModelRoute(id: "m", endpoint: "ep", inferenceComponent: "ic")
        let request = SageMakerOpenAIRequest.request(
            endpoint: endpoint, route: route, operation: .chatCompletions, body: [], stream: false, token: Self.token)
        #expect(
            request.url
                == "http://127.0.0.1:8081/proxy/endpoints/ep/inference-components/ic/openai/v1/chat/completions")
    }

    @Test func namesArePercentEncodedAsOneSegment() {
        let route = ModelRoute(id: "m", endpoint: "a/b c", inferenceComponent: "ic?x")
        #expect(
            SageMakerOpenAIRequest.path(route: route, operation: .chatCompletions)
                == "/endpoints/a%2Fb%20c/inference-components/ic%3Fx/openai/v1/chat/completions")
        #expect(
            SageMakerOpenAIRequest.path(route: ModelRoute(id: "m", endpoint: "e"), operation: .embeddings)
                == "/endpoints/e/openai/v1/embeddings")
    }
}
