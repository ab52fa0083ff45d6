import GatewayWire

/// Validates a `POST /v1/embeddings` body as OpenAI does (shapes and limits from its OpenAPI spec,
/// `CreateEmbeddingRequest`), so a bad request gets a 400 with `param` before reaching a container.
/// https://platform.openai.com/docs/api-reference/embeddings/create
///
/// Unknown fields are passed on as container extensions (TEI's `truncate` and `normalize`, vLLM's
/// `truncate_prompt_tokens`) where OpenAI itself would refuse them.
package enum EmbeddingsRequestValidator {
    /// OpenAI's cap on inputs per request.
    package static let maxInputs = 2048
    static let typedFields: Set<String> = ["model", "input", "encoding_format", "dimensions"]
    package static let inputShapes =
        "one of a string, array of strings, array of integers, or array of arrays of integers"

    package static func validate(_ body: [UInt8]) -> Result<EmbeddingsRequest, GatewayError> {
        do {
            return .success(try embeddingsRequest(body))
        } catch {
            return .failure(error)
        }
    }

    static func embeddingsRequest(_ bytes: [UInt8]) throws(GatewayError) -> EmbeddingsRequest {
        let fields = try RequestBody.fields(bytes)
        let body = JSONValue.object(fields)
        let model = try RequestBody.model(body["model"])
        let input = try validateInput(body["input"])

        var format = EmbeddingsRequest.EncodingFormat.float
        if let value = body["encoding_format"], !value.isNull {
            try ParameterRules.string("encoding_format", value)
            guard let parsed = value.stringValue.flatMap(EmbeddingsRequest.EncodingFormat.init(rawValue:)) else {
                throw ValidationMessage.invalidValue(
                    "encoding_format", value.stringValue ?? "", supported: ["float", "base64"])
            }
            format = parsed
        }
        var dimensions: Int?
        if let value = body["dimensions"], !value.isNull {
            try ParameterRules.integer("dimensions", value, min: 1, max: nil)
            dimensions = value.intValue
        }
        var parameters: [(String, JSONValue)] = []
        for (key, value) in fields where !typedFields.contains(key) {
            if key == "user", !value.isNull { try ParameterRules.string(key, value) }
            parameters.append((key, value))
        }
        return EmbeddingsRequest(
            model: model, input: input, encodingFormat: format, dimensions: dimensions, parameters: parameters)
    }

    static func validateInput(_ value: JSONValue?) throws(GatewayError) -> EmbeddingsRequest.Input {
        guard let value, !value.isNull else { throw ValidationMessage.missing("input") }
        switch value {
        case .string(let text):
            guard !text.isEmpty else { throw ValidationMessage.emptyString("input") }
            return .texts([text])
        case .array(let items):
            guard let first = items.first else { throw ValidationMessage.emptyArray("input") }
            guard items.count <= maxInputs else {
                throw ValidationMessage.arrayTooLong("input", max: maxInputs, got: items.count)
            }
            switch first {
            case .string:
                var texts: [String] = []
                texts.reserveCapacity(items.count)
                for (i, item) in items.enumerated() {
                    guard case .string(let text) = item else {
                        throw ValidationMessage.invalidType("input[\(i)]", expected: "a string", got: item)
                    }
                    guard !text.isEmpty else { throw ValidationMessage.emptyString("input[\(i)]") }
                    texts.append(text)
                }
                return .texts(texts)
            case .number:
                return .tokenIds([try RequestBody.tokenIds(items, "input")])
            case .array:
                var lists: [[Int]] = []
                lists.reserveCapacity(items.count)
                for (i, item) in items.enumerated() {
                    guard case .array(let ids) = item else {
                        throw ValidationMessage.invalidType("input[\(i)]", expected: "an array of integers", got: item)
                    }
                    lists.append(try RequestBody.tokenIds(ids, "input[\(i)]"))
                }
                return .tokenIds(lists)
            default:
                throw ValidationMessage.invalidType("input", expected: inputShapes, got: first)
            }
        default:
            throw ValidationMessage.invalidType("input", expected: inputShapes, got: value)
        }
    }
}
