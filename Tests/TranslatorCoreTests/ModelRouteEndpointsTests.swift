import GatewayWire
import Testing

@testable import TranslatorCore

@Suite struct ModelRouteEndpointsTests {
    @Test func openAIAndOpenAIRouteFormatsServeEverything() {
        for format in [ModelRoute.Format.openai, .sagemakerOpenAI] {
            let route = ModelRoute(id: "m", endpoint: "e", format: format)
            for endpoint in [ModelRoute.Endpoint.chatCompletions, .completions, .embeddings] {
                #expect(route.refusal(for: endpoint) == nil)
            }
        }
    }

    @Test func embeddingsFormatRefusesGenerationNamingModelAndFormat() {
        let route = ModelRoute(id: "bge-large", endpoint: "tei", format: .embeddings)
        #expect(route.refusal(for: .embeddings) == nil)
        #expect(
            route.refusal(for: .completions)
                == GatewayError(
                    .invalidRequest,
                    "The model `bge-large` is configured with format `embeddings`, which does not serve "
                        + "`/v1/completions`; it serves `/v1/embeddings`.",
                    param: "model"))
        // Chat is refused the same way, by the same table.
        #expect(
            route.refusal(for: .chatCompletions)?.message
                == "The model `bge-large` is configured with format `embeddings`, which does not serve "
                + "`/v1/chat/completions`; it serves `/v1/embeddings`.")
    }

    @Test func tgiFormatGeneratesButDoesNotEmbed() {
        let route = ModelRoute(id: "mistral", endpoint: "tgi", format: .tgi)
        #expect(route.refusal(for: .chatCompletions) == nil)
        #expect(route.refusal(for: .completions) == nil)
        #expect(
            route.refusal(for: .embeddings)
                == GatewayError(
                    .invalidRequest,
                    "The model `mistral` is configured with format `tgi`, which does not serve `/v1/embeddings`; "
                        + "it serves `/v1/chat/completions`, `/v1/completions`.",
                    param: "model"))
    }

    @Test func maxBatchSizeFromModelsFile() throws {
        let text = """
            {"models": [{"id": "a", "endpoint": "e", "format": "embeddings", "max_batch_size": 8},
                        {"id": "b", "endpoint": "e", "format": "embeddings"}]}
            """
        guard case .table(let routes) = try ModelCatalog.parse(modelsFile: Array(text.utf8), created: 0).get().mode
        else {
            Issue.record("not a table")
            return
        }
        #expect(routes.map(\.maxBatchSize) == [8, 32])
        for bad in [#""8""#, "0", "1.5"] {
            let file = #"{"models": [{"id": "a", "endpoint": "e", "max_batch_size": \#(bad)}]}"#
            guard case .failure(let error) = ModelCatalog.parse(modelsFile: Array(file.utf8), created: 0) else {
                Issue.record("accepted max_batch_size \(bad)")
                continue
            }
            #expect(error.message == #"MODELS_FILE model a: "max_batch_size" must be an integer >= 1"#)
        }
    }
}
