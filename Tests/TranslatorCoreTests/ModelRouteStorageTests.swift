import GatewayWire
import ModelFormats
import Testing

@testable import TranslatorCore

/// A route's fields live behind one shared reference; it still behaves as a value.
@Suite struct ModelRouteStorageTests {
    static func full() -> ModelRoute {
        var route = ModelRoute(
            id: "m", endpoint: "e", format: .tgi, inferenceComponent: "ic", targetVariant: "v",
            customAttributes: "a=1", reasoning: .thinkTags, containerModel: "served", promptTemplate: .chatml)
        route.maxBatchSize = 8
        route.upstreamStreaming = .never
        route.reasoningOutput = .reasoning
        return route
    }

    @Test func changingACopyLeavesTheOriginal() {
        let original = Self.full()
        let changes: [(inout ModelRoute) -> Void] = [
            { $0.id = "other" }, { $0.endpoint = "other" }, { $0.format = .openai }, { $0.inferenceComponent = nil },
            { $0.targetVariant = "w" }, { $0.customAttributes = nil }, { $0.reasoning = .none },
            { $0.containerModel = nil }, { $0.promptTemplate?.generationPrompt = "changed" },
            { $0.maxBatchSize = 9 }, { $0.upstreamStreaming = .always }, { $0.reasoningOutput = .reasoningContent },
        ]
        for change in changes {
            var copy = original
            change(&copy)
            #expect(copy != original)
            #expect(original == Self.full())
        }
    }

    @Test func fieldsReadBackAndCompareByValue() {
        let route = Self.full()
        #expect(route.id == "m" && route.endpoint == "e" && route.format == .tgi)
        #expect(route.inferenceComponent == "ic" && route.targetVariant == "v" && route.customAttributes == "a=1")
        #expect(route.reasoning == .thinkTags && route.containerModel == "served" && route.promptTemplate == .chatml)
        #expect(route.maxBatchSize == 8 && route.upstreamStreaming == .never && route.reasoningOutput == .reasoning)
        // Built separately, so held separately: still equal.
        #expect(route == Self.full())
        #expect(ModelRoute(id: "m", endpoint: "e").maxBatchSize == ModelRoute.defaultMaxBatchSize)
        #expect(ModelRoute(id: "m", endpoint: "e").upstreamStreaming == .auto)
    }
}
