import GatewayWire

/// Validates a `POST /v1/completions` body as OpenAI does, so a malformed request gets OpenAI's 400 with
/// `param` before anything reaches a container.
/// https://platform.openai.com/docs/api-reference/completions/create
///
/// What this gateway cannot honour is refused rather than silently ignored: `echo: true` (containers
/// differ on whether and how they echo, so the prompt would come back or not depending on the model) and
/// `best_of` above 1 (server-side ranking is gone from vLLM's current engine; `n` gives several choices).
/// Unknown parameters are container extensions (`top_k`, `repetition_penalty`) and pass through.
package enum CompletionRequestValidator {
    /// Fields lifted into `CompletionRequest`'s typed members and therefore left out of `parameters`.
    static let typedFields: Set<String> = ["model", "prompt", "stream", "stream_options"]

    package static let promptShapes =
        "one of a string, array of strings, array of integers, or array of arrays of integers"

    package static func validate(_ body: [UInt8]) -> Result<CompletionRequest, GatewayError> {
        do {
            return .success(try completionRequest(body))
        } catch {
            return .failure(error)
        }
    }

    static func completionRequest(_ bytes: [UInt8]) throws(GatewayError) -> CompletionRequest {
        let fields = try RequestBody.fields(bytes)
        let body = JSONValue.object(fields)
        let model = try RequestBody.model(body["model"])
        let prompt = try validatePrompt(body["prompt"])
        let (stream, includeUsage) = try RequestBody.stream(body)

        var parameters: [(String, JSONValue)] = []
        for (key, value) in fields where !typedFields.contains(key) {
            if !value.isNull || key == "messages", try !check(key, value) { continue }
            parameters.append((key, value))
        }
        return CompletionRequest(
            model: model, prompt: prompt, stream: stream, includeUsage: includeUsage, parameters: parameters)
    }

    /// `prompt`: a string, strings, token ids, or lists of token ids (each list non-empty).
    static func validatePrompt(_ value: JSONValue?) throws(GatewayError) -> JSONValue {
        guard let value, !value.isNull else { throw ValidationMessage.missing("prompt") }
        switch value {
        case .string:
            return value
        case .array(let items):
            guard let first = items.first else { throw ValidationMessage.emptyArray("prompt") }
            switch first {
            case .string:
                for (i, item) in items.enumerated() {
                    guard case .string = item else {
                        throw ValidationMessage.invalidType("prompt[\(i)]", expected: "a string", got: item)
                    }
                }
            case .number:
                _ = try RequestBody.tokenIds(items, "prompt")
            case .array:
                for (i, item) in items.enumerated() {
                    guard case .array(let ids) = item else {
                        throw ValidationMessage.invalidType("prompt[\(i)]", expected: "an array of integers", got: item)
                    }
                    _ = try RequestBody.tokenIds(ids, "prompt[\(i)]")
                }
            default:
                throw ValidationMessage.invalidType("prompt", expected: promptShapes, got: first)
            }
            return value
        default:
            throw ValidationMessage.invalidType("prompt", expected: promptShapes, got: value)
        }
    }

    /// Checks one non-null parameter; `false` means it is valid but not to be sent (a `best_of` of 1).
    private static func check(_ key: String, _ value: JSONValue) throws(GatewayError) -> Bool {
        switch key {
        case "logprobs":
            // An integer here (how many alternatives), unlike chat's boolean.
            try ParameterRules.integer(key, value, min: 0, max: 5)
        case "max_tokens":
            try ParameterRules.integer(key, value, min: 0, max: nil)
        case "messages":
            // `/invocations` containers tell chat from completions by the body's shape: a stray `messages`
            // would turn this request into a chat.
            throw GatewayError(
                .invalidRequest,
                "Unrecognized request argument supplied: messages. Send chat messages to /v1/chat/completions.",
                param: "messages")
        case "suffix":
            try ParameterRules.string(key, value)
        case "echo":
            try ParameterRules.bool(key, value)
            if value.boolValue == true {
                throw GatewayError(
                    .invalidRequest,
                    "The 'echo' parameter is not supported by this gateway: set it to false and prepend the prompt "
                        + "to the completion yourself.",
                    param: "echo")
            }
        case "best_of":
            try ParameterRules.integer(key, value, min: 0, max: 20)
            guard let n = value.intValue, n <= 1 else {
                throw GatewayError(
                    .invalidRequest,
                    "The 'best_of' parameter is not supported by this gateway: the models behind it cannot rank "
                        + "candidates server-side. Use 'n' to get several completions.",
                    param: "best_of")
            }
            return false
        default:
            try ParameterRules.check(key, value)
        }
        return true
    }
}
