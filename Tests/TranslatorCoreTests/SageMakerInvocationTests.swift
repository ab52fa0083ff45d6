import Testing

@testable import TranslatorCore

@Suite("SageMakerInvocation")
struct SageMakerInvocationTests {
    static let endpoint = ServiceEndpoint(scheme: "https", host: "runtime.sagemaker.us-east-1.amazonaws.com")

    static func headers(_ request: AWSHTTPRequest) -> [String] { request.headers.map { "\($0.name): \($0.value)" } }

    @Test func nonStreamingRequest() {
        let body = Array(#"{"messages":[]}"#.utf8)
        let request = SageMakerInvocation.request(
            endpoint: Self.endpoint, route: ModelRoute(id: "m", endpoint: "my-endpoint"), body: body, stream: false)
        #expect(request.method == "POST")
        #expect(request.path == "/endpoints/my-endpoint/invocations")
        #expect(request.url == "https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/my-endpoint/invocations")
        #expect(Self.headers(request) == ["content-type: application/json", "accept: application/json"])
        #expect(request.body == body)
    }

    @Test func streamingRequestNamesTheContainerAcceptDifferently() {
        let request = SageMakerInvocation.request(
            endpoint: Self.endpoint, route: ModelRoute(id: "m", endpoint: "my-endpoint"), body: [], stream: true)
        #expect(request.path == "/endpoints/my-endpoint/invocations-response-stream")
        #expect(
            Self.headers(request) == ["content-type: application/json", "x-amzn-sagemaker-accept: text/event-stream"])
        #expect(!request.headers.contains { $0.name.lowercased() == "accept" })
    }

    @Test func routeHeaders() {
        let route = ModelRoute(
            id: "m", endpoint: "shared", inferenceComponent: "llama-ic", targetVariant: "blue",
            customAttributes: "trace=1")
        let request = SageMakerInvocation.request(
            endpoint: Self.endpoint, route: route, body: [], stream: true, contentType: "application/jsonlines")
        #expect(
            Self.headers(request) == [
                "content-type: application/jsonlines", "x-amzn-sagemaker-accept: text/event-stream",
                "x-amzn-sagemaker-inference-component: llama-ic", "x-amzn-sagemaker-target-variant: blue",
                "x-amzn-sagemaker-custom-attributes: trace=1",
            ])
    }

    @Test(
        "endpoint name is percent-encoded as one path segment",
        arguments: [
            ("plain-endpoint-1", "plain-endpoint-1"), ("a b", "a%20b"), ("a/b", "a%2Fb"), ("a.b_c~d", "a.b_c~d"),
            ("é", "%C3%A9"), ("a?b#c%", "a%3Fb%23c%25"),
        ])
    func pathEncoding(name: String, encoded: String) {
        let request = SageMakerInvocation.request(
            endpoint: Self.endpoint, route: ModelRoute(id: "m", endpoint: name), body: [], stream: false)
        #expect(request.path == "/endpoints/\(encoded)/invocations")
        #expect(percentEncodePathSegment(name) == encoded)
    }

    @Test func basePathOfAnOverride() throws {
        let endpoint = try #require(ServiceEndpoint(url: "http://localhost:8081/proxy"))
        let request = SageMakerInvocation.request(
            endpoint: endpoint, route: ModelRoute(id: "m", endpoint: "e"), body: [], stream: false)
        #expect(request.url == "http://localhost:8081/proxy/endpoints/e/invocations")
    }
}
