import GatewayWire
import Testing

@testable import TranslatorCore

/// `prompt_template` and the `tgi` and `sagemaker-openai` formats in `MODELS_FILE`: templates are parsed at
/// startup, and a bad or missing one names the model entry and the field.
@Suite("ModelCatalog prompt templates")
struct ModelCatalogPromptTemplateTests {
    static func parse(_ text: String) -> Result<ModelCatalog, ConfigError> {
        ModelCatalog.parse(modelsFile: Array(text.utf8), created: 1)
    }

    static func route(_ text: String) throws -> ModelRoute {
        guard case .table(let routes) = try parse(text).get().mode, let route = routes.first else {
            throw ConfigError("no table")
        }
        return route
    }

    @Test("every built-in name", arguments: ["chatml", "llama3", "mistral", "gemma", "deepseek"])
    func namedTemplate(_ name: String) throws {
        let route = try Self.route(
            #"{"models":[{"id":"m","endpoint":"e","format":"tgi","prompt_template":"\#(name)"}]}"#)
        #expect(route.format == .tgi)
        #expect(route.promptTemplate?.name == name)
    }

    @Test func customTemplateObject() throws {
        let route = try Self.route(
            #"""
            {"models":[{"id":"m","endpoint":"e","format":"tgi","prompt_template":
              {"prefix":"<s>","user":"U:{content}\n","assistant":"A:{content}\n","generation_prompt":"A:"}}]}
            """#)
        let template = try #require(route.promptTemplate)
        #expect(template.name == "custom")
        let messages: [JSONValue] = [
            .object([("role", .string("system")), ("content", .string("sys"))]),
            .object([("role", .string("user")), ("content", .string("hi"))]),
        ]
        #expect(try template.render(messages) == "<s>U:sys\n\nhi\nA:")
    }

    @Test func sagemakerOpenAIFormat() throws {
        let route = try Self.route(
            #"{"models":[{"id":"m","endpoint":"e","format":"sagemaker-openai","inference_component":"ic"}]}"#)
        #expect(route == ModelRoute(id: "m", endpoint: "e", format: .sagemakerOpenAI, inferenceComponent: "ic"))
    }

    struct Bad: Sendable, CustomTestStringConvertible {
        var file: String
        var message: String
        var testDescription: String { message }
    }

    static let bad: [Bad] = [
        Bad(
            file: #"{"models":[{"id":"t","endpoint":"e","format":"tgi"}]}"#,
            message:
                "MODELS_FILE model t: prompt_template: is required for format tgi, which renders chat messages into one prompt (chatml, llama3, mistral, gemma, deepseek; or an object of patterns)"
        ),
        Bad(
            file: #"{"models":[{"id":"t","endpoint":"e","format":"tgi","prompt_template":"vicuna"}]}"#,
            message:
                "MODELS_FILE model t: prompt_template: unknown template `vicuna` (built-ins: chatml, llama3, mistral, gemma, deepseek; or an object of patterns)"
        ),
        Bad(
            file: #"{"models":[{"id":"t","endpoint":"e","format":"tgi","prompt_template":7}]}"#,
            message:
                "MODELS_FILE model t: prompt_template: must be a template name or an object of patterns, not number"
        ),
        Bad(
            file:
                #"{"models":[{"id":"t","endpoint":"e","format":"tgi","prompt_template":{"user":"x","assistant":"{content}","generation_prompt":""}}]}"#,
            message: "MODELS_FILE model t: prompt_template.user: must contain {content} exactly once"),
        Bad(
            file:
                #"{"models":[{"id":"t","endpoint":"e","format":"tgi","prompt_template":{"user":"{content}","assistant":"{content}"}}]}"#,
            message: "MODELS_FILE model t: prompt_template.generation_prompt: is required"),
        // Checked whatever the format, so a typo never waits for the first request.
        Bad(
            file: #"{"models":[{"id":"o","endpoint":"e","prompt_template":"mistrall"}]}"#,
            message:
                "MODELS_FILE model o: prompt_template: unknown template `mistrall` (built-ins: chatml, llama3, mistral, gemma, deepseek; or an object of patterns)"
        ),
    ]

    @Test("rejects", arguments: bad)
    func rejects(_ b: Bad) {
        #expect(Self.parse(b.file) == .failure(ConfigError(b.message)))
    }
}
