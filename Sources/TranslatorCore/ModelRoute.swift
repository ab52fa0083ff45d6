import GatewayWire
import ModelFormats

/// How one client-facing model id reaches SageMaker: the endpoint, optional inference component or
/// variant, and the payload format its container speaks.
package struct ModelRoute: Equatable, Sendable {
    package enum Format: String, Sendable {
        case openai
        case tgi
        case embeddings
        /// SageMaker's own OpenAI-compatible route on the endpoint, with a bearer token (`SageMakerOpenAIRequest`).
        case sagemakerOpenAI = "sagemaker-openai"
    }

    package var id: String {
        get { storage.fields.id }
        set { change { $0.id = newValue } }
    }
    package var endpoint: String {
        get { storage.fields.endpoint }
        set { change { $0.endpoint = newValue } }
    }
    package var format: Format {
        get { storage.fields.format }
        set { change { $0.format = newValue } }
    }
    package var inferenceComponent: String? {
        get { storage.fields.inferenceComponent }
        set { change { $0.inferenceComponent = newValue } }
    }
    package var targetVariant: String? {
        get { storage.fields.targetVariant }
        set { change { $0.targetVariant = newValue } }
    }
    package var customAttributes: String? {
        get { storage.fields.customAttributes }
        set { change { $0.customAttributes = newValue } }
    }
    package var reasoning: ReasoningMode {
        get { storage.fields.reasoning }
        set { change { $0.reasoning = newValue } }
    }
    /// The name the container serves, sent as `model`; empty when unset (vLLM rejects names it does not serve).
    package var containerModel: String? {
        get { storage.fields.containerModel }
        set { change { $0.containerModel = newValue } }
    }
    /// How chat messages become TGI's `inputs`: required for `tgi`, parsed (and so checked) at startup.
    package var promptTemplate: PromptTemplate? {
        get { storage.fields.promptTemplate }
        set { change { $0.promptTemplate = newValue } }
    }
    /// Most embeddings inputs per container call (TEI's `--max-client-batch-size` is 32 by default; SageMaker
    /// caps an answer at 6 MB), for the `embeddings` and `openai` formats.
    package var maxBatchSize: Int {
        get { storage.fields.maxBatchSize }
        set { change { $0.maxBatchSize = newValue } }
    }
    package static let defaultMaxBatchSize = 32
    /// Non-streamed requests go upstream as streams unless this says `never` (see `UpstreamStreaming`).
    package var upstreamStreaming: UpstreamStreaming {
        get { storage.fields.upstreamStreaming }
        set { change { $0.upstreamStreaming = newValue } }
    }
    /// Where the client finds reasoning text (`reasoning_output`; see `ModelRoute+ReasoningOutput.swift`).
    package var reasoningOutput: ReasoningField {
        get { storage.fields.reasoningOutput }
        set { change { $0.reasoningOutput = newValue } }
    }

    /// The fields above, behind one reference that copies of the route share until one of them changes: a
    /// request copies its route into each callback that needs it, and copying a dozen strings and a prompt
    /// template each time (through value witnesses, for the optionals) cost more than the rest of routing it.
    private var storage: Storage

    private struct Fields: Equatable {
        var id: String
        var endpoint: String
        var format: Format
        var inferenceComponent: String?
        var targetVariant: String?
        var customAttributes: String?
        var reasoning: ReasoningMode
        var containerModel: String?
        var promptTemplate: PromptTemplate?
        var maxBatchSize = ModelRoute.defaultMaxBatchSize
        var upstreamStreaming = UpstreamStreaming.auto
        var reasoningOutput = ReasoningField.reasoningContent
    }

    /// Changed only while this route holds the one reference to it (`change`), hence unchecked.
    private final class Storage: @unchecked Sendable {
        var fields: Fields

        init(_ fields: Fields) {
            self.fields = fields
        }
    }

    private mutating func change(_ body: (inout Fields) -> Void) {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.fields) }
        body(&storage.fields)
    }

    package init(
        id: String, endpoint: String, format: Format = .openai, inferenceComponent: String? = nil,
        targetVariant: String? = nil, customAttributes: String? = nil, reasoning: ReasoningMode = .none,
        containerModel: String? = nil, promptTemplate: PromptTemplate? = nil
    ) {
        storage = Storage(
            Fields(
                id: id, endpoint: endpoint, format: format, inferenceComponent: inferenceComponent,
                targetVariant: targetVariant, customAttributes: customAttributes, reasoning: reasoning,
                containerModel: containerModel, promptTemplate: promptTemplate))
    }

    package static func == (lhs: ModelRoute, rhs: ModelRoute) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.fields == rhs.storage.fields
    }
}

/// The models the translator serves: one endpoint for every name (single-endpoint mode), or the
/// `MODELS_FILE` table where an unknown name is a 404.
package struct ModelCatalog: Equatable, Sendable {
    package enum Mode: Equatable, Sendable {
        case singleEndpoint(String)
        case table([ModelRoute])
    }

    package var mode: Mode
    /// Reported as `created` in `/v1/models`: when the translator loaded its configuration.
    package var created: Int

    package init(mode: Mode, created: Int) {
        self.mode = mode
        self.created = created
    }

    package func route(for model: String) -> Result<ModelRoute, GatewayError> {
        switch mode {
        case .singleEndpoint(let endpoint):
            return .success(ModelRoute(id: model, endpoint: endpoint))
        case .table(let routes):
            guard let route = routes.first(where: { $0.id == model }) else {
                return .failure(
                    GatewayError(
                        .modelNotFound, "The model `\(model)` does not exist or you do not have access to it.",
                        param: "model"))
            }
            return .success(route)
        }
    }

    package var models: [ModelInfo] {
        switch mode {
        case .singleEndpoint(let endpoint):
            return [ModelInfo(id: endpoint, created: created, ownedBy: "sagemaker")]
        case .table(let routes):
            return routes.map { ModelInfo(id: $0.id, created: created, ownedBy: "sagemaker") }
        }
    }

    /// Parses the `MODELS_FILE` document (see docs/design.md and README.md), rejecting anything ambiguous at startup
    /// rather than at the first request.
    /// Every field a `MODELS_FILE` entry may have.
    package static let fields: Set<String> = [
        "id", "endpoint", "format", "inference_component", "target_variant", "custom_attributes", "reasoning",
        "reasoning_output", "container_model", "prompt_template", "max_batch_size", "upstream_streaming",
    ]

    package static func parse(modelsFile bytes: [UInt8], created: Int) -> Result<ModelCatalog, ConfigError> {
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            return .failure(ConfigError("MODELS_FILE is not valid JSON: \(error)"))
        }
        guard let list = json["models"]?.arrayValue else {
            return .failure(ConfigError("MODELS_FILE must be an object with a \"models\" array"))
        }
        var routes: [ModelRoute] = []
        for (i, item) in list.enumerated() {
            guard case .object = item else { return .failure(ConfigError("MODELS_FILE models[\(i)] is not an object")) }
            guard let id = item["id"]?.stringValue, !id.isEmpty else {
                return .failure(ConfigError("MODELS_FILE models[\(i)] needs a non-empty string \"id\""))
            }
            guard let endpoint = item["endpoint"]?.stringValue, !endpoint.isEmpty else {
                return .failure(ConfigError("MODELS_FILE model \(id) needs a non-empty string \"endpoint\""))
            }
            // A misspelt option would otherwise be ignored without a word, and the model served without it.
            for (field, _) in item.objectValue ?? [] where !Self.fields.contains(field) {
                return .failure(
                    ConfigError(
                        "MODELS_FILE model \(id): unknown field \"\(field)\" (known: \(Self.fields.sorted().joined(separator: ", ")))"
                    ))
            }
            let formatName = item["format"]?.stringValue ?? "openai"
            guard let format = ModelRoute.Format(rawValue: formatName) else {
                return .failure(
                    ConfigError(
                        "MODELS_FILE model \(id): unknown format \(formatName) (openai, tgi, embeddings, sagemaker-openai)"
                    ))
            }
            var optional: [String: String] = [:]
            for key in [
                "inference_component", "target_variant", "custom_attributes", "reasoning", "container_model",
            ] {
                guard let value = item[key] else { continue }
                guard let s = value.stringValue else {
                    return .failure(ConfigError("MODELS_FILE model \(id): \"\(key)\" must be a string"))
                }
                optional[key] = s
            }
            var reasoning = ReasoningMode.none
            if let name = optional["reasoning"] {
                guard let mode = ReasoningMode(rawValue: name) else {
                    let names = ReasoningMode.allCases.map(\.rawValue).joined(separator: ", ")
                    return .failure(ConfigError("MODELS_FILE model \(id): unknown reasoning \(name) (\(names))"))
                }
                reasoning = mode
            }
            let template: PromptTemplate?
            switch parseTemplate(item["prompt_template"], format: format) {
            case .success(let t): template = t
            case .failure(let reason): return .failure(ConfigError("MODELS_FILE model \(id): \(reason)"))
            }
            var maxBatchSize = ModelRoute.defaultMaxBatchSize
            if let value = item["max_batch_size"] {
                guard let n = value.intValue, n >= 1 else {
                    return .failure(ConfigError("MODELS_FILE model \(id): \"max_batch_size\" must be an integer >= 1"))
                }
                maxBatchSize = n
            }
            var upstreamStreaming = UpstreamStreaming.auto
            if let value = item["upstream_streaming"] {
                guard let name = value.stringValue, let mode = UpstreamStreaming(rawValue: name) else {
                    let names = UpstreamStreaming.allCases.map(\.rawValue).joined(separator: ", ")
                    return .failure(
                        ConfigError("MODELS_FILE model \(id): \"upstream_streaming\" must be one of \(names)"))
                }
                upstreamStreaming = mode
            }
            if routes.contains(where: { $0.id == id }) {
                return .failure(ConfigError("MODELS_FILE lists model \(id) twice"))
            }
            routes.append(
                ModelRoute(
                    id: id, endpoint: endpoint, format: format, inferenceComponent: optional["inference_component"],
                    targetVariant: optional["target_variant"], customAttributes: optional["custom_attributes"],
                    reasoning: reasoning, containerModel: optional["container_model"],
                    promptTemplate: template))
            routes[routes.count - 1].maxBatchSize = maxBatchSize
            routes[routes.count - 1].upstreamStreaming = upstreamStreaming
            switch ModelRoute.reasoningOutput(item["reasoning_output"], model: id) {
            case .success(let output): routes[routes.count - 1].reasoningOutput = output
            case .failure(let error): return .failure(error)
            }
        }
        guard !routes.isEmpty else { return .failure(ConfigError("MODELS_FILE lists no models")) }
        return .success(ModelCatalog(mode: .table(routes), created: created))
    }

    /// `prompt_template` is checked whatever the format, so a typo fails at startup; `tgi` cannot do without one.
    private static func parseTemplate(_ value: JSONValue?, format: ModelRoute.Format) -> Result<
        PromptTemplate?, PromptTemplateError
    > {
        guard let value else {
            guard format != .tgi else {
                let names = PromptTemplate.builtIns.map(\.name).joined(separator: ", ")
                return .failure(
                    PromptTemplateError(
                        "is required for format tgi, which renders chat messages into one prompt (\(names); or an object of patterns)"
                    ))
            }
            return .success(nil)
        }
        return PromptTemplate.parse(value).map { $0 }
    }
}
