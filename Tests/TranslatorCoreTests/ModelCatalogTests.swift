import GatewayWire
import Testing

@testable import TranslatorCore

@Suite("ModelCatalog")
struct ModelCatalogTests {
    /// docs/design.md's example `MODELS_FILE`, verbatim.
    static let designExample = """
        {"models": [
          {"id": "deepseek-r1", "endpoint": "my-lmi-endpoint", "format": "openai", "reasoning": "think-tags"},
          {"id": "llama-3-8b", "endpoint": "shared-endpoint", "inference_component": "llama-ic", "format": "openai"},
          {"id": "mistral-tgi", "endpoint": "old-tgi-endpoint", "format": "tgi", "prompt_template": "mistral"},
          {"id": "bge-large", "endpoint": "tei-endpoint", "format": "embeddings"}
        ]}
        """

    static func parse(_ text: String) -> Result<ModelCatalog, ConfigError> {
        ModelCatalog.parse(modelsFile: Array(text.utf8), created: 42)
    }

    @Test func parsesDesignExample() throws {
        let catalog = try Self.parse(Self.designExample).get()
        #expect(
            catalog.mode
                == .table([
                    ModelRoute(
                        id: "deepseek-r1", endpoint: "my-lmi-endpoint", format: .openai, reasoning: .thinkTags),
                    ModelRoute(
                        id: "llama-3-8b", endpoint: "shared-endpoint", format: .openai, inferenceComponent: "llama-ic"),
                    ModelRoute(
                        id: "mistral-tgi", endpoint: "old-tgi-endpoint", format: .tgi, promptTemplate: .mistral),
                    ModelRoute(id: "bge-large", endpoint: "tei-endpoint", format: .embeddings),
                ]))
        #expect(catalog.created == 42)
        #expect(
            catalog.models
                == ["deepseek-r1", "llama-3-8b", "mistral-tgi", "bge-large"].map {
                    ModelInfo(id: $0, created: 42, ownedBy: "sagemaker")
                })
    }

    @Test func everyOptionalFieldAndDefaultFormat() throws {
        let catalog = try Self.parse(
            #"""
            {"models":[{"id":"m","endpoint":"e","inference_component":"ic","target_variant":"v1",
              "custom_attributes":"a=b","reasoning":"think-tags-prefilled","container_model":"served","prompt_template":"llama3"}]}
            """#
        ).get()
        #expect(
            catalog.mode
                == .table([
                    ModelRoute(
                        id: "m", endpoint: "e", format: .openai, inferenceComponent: "ic", targetVariant: "v1",
                        customAttributes: "a=b", reasoning: .thinkTagsPrefilled, containerModel: "served",
                        promptTemplate: .llama3)
                ]))
    }

    @Test func routesInTableMode() throws {
        let catalog = try Self.parse(Self.designExample).get()
        #expect(try catalog.route(for: "llama-3-8b").get().inferenceComponent == "llama-ic")
        #expect(try catalog.route(for: "bge-large").get().format == .embeddings)
        for unknown in ["gpt-4o", "LLAMA-3-8B", "", "my-lmi-endpoint"] {
            #expect(
                catalog.route(for: unknown)
                    == .failure(
                        GatewayError(
                            .modelNotFound, "The model `\(unknown)` does not exist or you do not have access to it.",
                            param: "model")))
        }
    }

    @Test func singleEndpointModeRoutesEveryName() throws {
        let catalog = ModelCatalog(mode: .singleEndpoint("only-endpoint"), created: 7)
        for name in ["gpt-4o", "anything", ""] {
            #expect(try catalog.route(for: name).get() == ModelRoute(id: name, endpoint: "only-endpoint"))
        }
        #expect(catalog.models == [ModelInfo(id: "only-endpoint", created: 7, ownedBy: "sagemaker")])
    }

    struct Bad: Sendable, CustomTestStringConvertible {
        var file: String
        var message: String
        var testDescription: String { message }
    }

    static let bad: [Bad] = [
        Bad(
            file: #"{"models":[{"id":"a","endpoint":"e"},{"id":"a","endpoint":"f"}]}"#,
            message: "MODELS_FILE lists model a twice"),
        Bad(
            file: #"{"models":[{"id":"a","endpoint":"e","format":"bedrock"}]}"#,
            message: "MODELS_FILE model a: unknown format bedrock (openai, tgi, embeddings, sagemaker-openai)"),
        Bad(
            file: #"{"models":[{"id":"a","endpoint":"e","format":"OpenAI"}]}"#,
            message: "MODELS_FILE model a: unknown format OpenAI (openai, tgi, embeddings, sagemaker-openai)"),
        Bad(
            file: #"{"models":[{"id":"a","endpoint":"e","inference_component":7}]}"#,
            message: #"MODELS_FILE model a: "inference_component" must be a string"#),
        Bad(
            file: #"{"models":[{"id":"a","endpoint":"e","target_variant":["v"]}]}"#,
            message: #"MODELS_FILE model a: "target_variant" must be a string"#),
        Bad(
            file: #"{"models":[{"id":"a","endpoint":"e","container_model":true}]}"#,
            message: #"MODELS_FILE model a: "container_model" must be a string"#),
        Bad(file: #"{"models":[]}"#, message: "MODELS_FILE lists no models"),
        Bad(file: #"{"model":[]}"#, message: #"MODELS_FILE must be an object with a "models" array"#),
        Bad(file: #"[{"id":"a","endpoint":"e"}]"#, message: #"MODELS_FILE must be an object with a "models" array"#),
        Bad(file: #"{"models":["a"]}"#, message: "MODELS_FILE models[0] is not an object"),
        Bad(file: #"{"models":[{"endpoint":"e"}]}"#, message: #"MODELS_FILE models[0] needs a non-empty string "id""#),
        Bad(
            file: #"{"models":[{"id":"","endpoint":"e"}]}"#,
            message: #"MODELS_FILE models[0] needs a non-empty string "id""#),
        Bad(file: #"{"models":[{"id":"a"}]}"#, message: #"MODELS_FILE model a needs a non-empty string "endpoint""#),
        Bad(
            file: #"{"models":[{"id":"a","endpoint":3}]}"#,
            message: #"MODELS_FILE model a needs a non-empty string "endpoint""#),
    ]

    @Test("rejects", arguments: bad)
    func rejects(_ b: Bad) {
        #expect(Self.parse(b.file) == .failure(ConfigError(b.message)))
    }

    @Test func rejectsInvalidJSON() {
        guard case .failure(let error) = Self.parse(#"{"models": ["#) else {
            Issue.record("invalid JSON accepted")
            return
        }
        #expect(error.message.hasPrefix("MODELS_FILE is not valid JSON"))
    }

    @Test func upstreamStreamingDefaultsToAutoAndParsesEveryMode() throws {
        let catalog = try Self.parse(
            """
            {"models": [{"id": "a", "endpoint": "e"}, {"id": "b", "endpoint": "e", "upstream_streaming": "always"},
                        {"id": "c", "endpoint": "e", "upstream_streaming": "never"}]}
            """
        ).get()
        #expect(try catalog.route(for: "a").get().upstreamStreaming == .auto)
        #expect(try catalog.route(for: "b").get().upstreamStreaming == .always)
        #expect(try catalog.route(for: "c").get().upstreamStreaming == .never)
        #expect(
            Self.parse(#"{"models": [{"id": "a", "endpoint": "e", "upstream_streaming": "sometimes"}]}"#)
                == .failure(
                    ConfigError(#"MODELS_FILE model a: "upstream_streaming" must be one of auto, always, never"#)))
    }

    @Test func upstreamStreamingDecisions() {
        #expect(UpstreamStreaming.auto.streamsUpstream(clientStreams: false))
        #expect(UpstreamStreaming.always.streamsUpstream(clientStreams: false))
        #expect(!UpstreamStreaming.never.streamsUpstream(clientStreams: false))
        #expect(UpstreamStreaming.never.streamsUpstream(clientStreams: true))
        #expect(UpstreamStreaming.auto.fallsBack(clientStreams: false))
        #expect(!UpstreamStreaming.auto.fallsBack(clientStreams: true))
        #expect(!UpstreamStreaming.always.fallsBack(clientStreams: false))
    }

    @Test func aMisspeltFieldIsRefusedWithTheKnownOnes() {
        guard
            case .failure(let error) = Self.parse(
                #"{"models": [{"id": "a", "endpoint": "e", "upstream_streamng": "never"}]}"#)
        else {
            Issue.record("a misspelt field was accepted")
            return
        }
        #expect(error.message.hasPrefix(#"MODELS_FILE model a: unknown field "upstream_streamng" (known: "#))
        #expect(error.message.contains("upstream_streaming"))
    }
}
