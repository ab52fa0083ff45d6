import AWSEventStream
import AWSSigV4
import Foundation
import GatewayWire
import ModelFormats
import Testing

@testable import TranslatorCore

/// Which way a route's model is called, decided by its format in one place: the OpenAI route's plain stream for
/// `sagemaker-openai`, the AWS event stream for every container format; the route's path for each endpoint.
@Suite("ModelRoute+Upstream")
struct ModelRouteUpstreamTests {
    static let sse = Array(
        (#"data: {"choices":[{"index":0,"text":"hé","finish_reason":null}]}"# + "\n\n" + "data: [DONE]\n\n").utf8)

    static func decode(_ route: ModelRoute, _ bytes: [UInt8]) -> [SageMakerStreamDecoder.Output] {
        var decoder = route.streamDecoder(parser: OpenAIStreamParser())
        return decoder.append(bytes) + decoder.finish()
    }

    @Test func onlySageMakerOpenAIUsesTheOpenAIRoute() {
        let formats: [ModelRoute.Format] = [.openai, .tgi, .embeddings, .sagemakerOpenAI]
        #expect(
            formats.map { ModelRoute(id: "m", endpoint: "e", format: $0).usesOpenAIRoute } == [
                false, false, false, true,
            ])
    }

    @Test func theOpenAIRouteStreamsPlainSSE() {
        let route = ModelRoute(id: "m", endpoint: "e", format: .sagemakerOpenAI)
        #expect(Self.decode(route, Self.sse) == [.event(.content(choice: 0, text: "hé"))])
    }

    @Test func containerFormatsStreamInsidePayloadParts() {
        let route = ModelRoute(id: "m", endpoint: "e", format: .openai)
        let part = EventStreamEncoder.encode(
            EventStreamMessage(
                headers: [
                    EventStreamHeader(name: ":message-type", value: .string("event")),
                    EventStreamHeader(name: ":event-type", value: .string("PayloadPart")),
                ], payload: Self.sse))
        #expect(Self.decode(route, part) == [.event(.content(choice: 0, text: "hé"))])
        // The same bytes without the envelope are not an event stream.
        guard case .error = Self.decode(route, Self.sse).last else {
            Issue.record("plain SSE accepted as an event stream")
            return
        }
    }

    @Test func eachEndpointHasItsOpenAIRoutePath() {
        let route = ModelRoute(id: "m", endpoint: "ep 1", format: .sagemakerOpenAI, inferenceComponent: "ic")
        let endpoints: [ModelRoute.Endpoint] = [.chatCompletions, .completions, .embeddings]
        #expect(
            endpoints.map { SageMakerOpenAIRequest.path(route: route, operation: .init($0)) } == [
                "/endpoints/ep%201/inference-components/ic/openai/v1/chat/completions",
                "/endpoints/ep%201/inference-components/ic/openai/v1/completions",
                "/endpoints/ep%201/inference-components/ic/openai/v1/embeddings",
            ])
        // Each is the gateway's own path below `/openai`.
        for endpoint in endpoints {
            #expect(
                "/openai" + endpoint.rawValue == "/openai/v1/" + SageMakerOpenAIRequest.Operation(endpoint).rawValue)
        }
    }
}
