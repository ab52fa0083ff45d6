import GatewayWire
import Testing

@testable import TranslatorCore

/// `reasoning_output` in `MODELS_FILE`: defaulted, read, checked at start, and what the shim is told.
@Suite struct ModelRouteReasoningOutputTests {
    static func routes(_ text: String) -> Result<[ModelRoute], ConfigError> {
        ModelCatalog.parse(modelsFile: Array(text.utf8), created: 0).map { catalog in
            guard case .table(let routes) = catalog.mode else { return [] }
            return routes
        }
    }

    @Test func defaultsToReasoningContentAndReadsBoth() throws {
        let routes = try Self.routes(
            #"""
            {"models":[{"id":"a","endpoint":"e"},{"id":"b","endpoint":"e","reasoning_output":"reasoning"},
              {"id":"c","endpoint":"e","reasoning":"think-tags","reasoning_output":"reasoning_content"}]}
            """#
        ).get()
        #expect(routes.map(\.reasoningOutput) == [.reasoningContent, .reasoning, .reasoningContent])
        #expect(routes[1].responseShape == ResponseShape(reasoningField: .reasoning))
        #expect(routes[0].responseShape == ResponseShape())
    }

    @Test func singleEndpointModeUsesTheDefault() {
        #expect(ModelRoute(id: "m", endpoint: "e").responseShape.reasoningField == .reasoningContent)
    }

    @Test("rejects an unknown value, naming the model and the field", arguments: [#""thinking""#, "true", "null"])
    func rejects(_ value: String) {
        let result = Self.routes(#"{"models":[{"id":"r1","endpoint":"e","reasoning_output":\#(value)}]}"#)
        #expect(
            result
                == .failure(
                    ConfigError(
                        #"MODELS_FILE model r1: "reasoning_output" must be one of reasoning_content, reasoning; got \#(value)"#
                    )))
    }
}
