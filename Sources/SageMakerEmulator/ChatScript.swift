import GatewayWire

/// What the emulated `openai`-format container (vLLM, LMI, TGI's Messages API) answers to one request body,
/// worked out up front so the streaming and buffered routes tell the same story.
struct ChatScript {
    enum Framing { case sse, jsonLines }

    /// The model name the answer reports: the request's, else the served one (as vLLM does).
    var model: String
    var stream: Bool
    var includeUsage: Bool
    var framing: Framing
    /// Content tokens in order; their concatenation is the answer.
    var tokens: [String]
    var finishReason: String
    var promptTokens: Int
    /// Stop with a container failure after this many tokens.
    var failAfter: Int?
    var firstTokenDelay: Double
    var tokenDelay: Double
    var partBytes: Int?
    /// Reasoning before the answer, and the field names it is written in (`ChatScript+ToolsAndReasoning.swift`).
    var reasoningTokens: [String] = []
    var reasoningFields = ["reasoning_content"]
    /// Tool calls the model makes instead of answering in text.
    var toolCalls: [ScriptedToolCall] = []
    /// `n`: choices, each telling the same story.
    var choiceCount = 1

    /// Why there is no answer: SageMaker itself refused, or the container answered with an error status.
    enum Failure: Error {
        case service(AWSError)
        case container(status: Int, body: String)
    }

    static let greeting = "Hello from the SageMaker emulator. You said: "

    static func make(body: [UInt8], servedModel: String, endpoint: String) -> Result<ChatScript, Failure> {
        guard let request = try? JSONParser.parse(body), request.objectValue != nil else {
            return .failure(vllmError(400, "BadRequestError", "Expected a JSON object as the request body."))
        }
        // SageMaker-level failures come before the container sees anything; they are asked for in the text.
        let lastUserText = Self.lastUserText(request)
        let (directives, echoed) = Directives.parse(lastUserText ?? "")
        if directives.throttle { return .failure(.service(.throttling())) }
        if directives.notReady { return .failure(.service(.modelNotReady(endpoint: endpoint))) }
        if directives.unavailable { return .failure(.service(.serviceUnavailable())) }
        if directives.internalFailure { return .failure(.service(.internalFailure())) }
        if directives.internalDependency { return .failure(.service(.internalDependency())) }

        let requestedModel = request["model"]
        if let requestedModel, !requestedModel.isNull {
            guard let name = requestedModel.stringValue else {
                return .failure(vllmError(400, "BadRequestError", "model: Input should be a valid string"))
            }
            if !name.isEmpty, name != servedModel {
                return .failure(vllmError(404, "NotFoundError", "The model `\(name)` does not exist."))
            }
        }
        guard let messages = request["messages"]?.arrayValue, !messages.isEmpty,
            messages.allSatisfy({ $0["role"]?.stringValue != nil })
        else {
            return .failure(
                vllmError(400, "BadRequestError", "messages: Field required to be a non-empty array of messages"))
        }
        let maxTokens: Int?
        if let value = request["max_completion_tokens"] ?? request["max_tokens"], !value.isNull {
            guard let n = value.intValue, n >= 1 else {
                return .failure(
                    vllmError(400, "BadRequestError", "max_tokens must be at least 1, got \(JSONWriter.string(value)).")
                )
            }
            maxTokens = n
        } else {
            maxTokens = nil
        }
        if let code = directives.modelError {
            return .failure(
                vllmError(code, code < 500 ? "BadRequestError" : "InternalServerError", "Emulated model error \(code).")
            )
        }

        var tokens: [String]
        if let count = directives.tokens {
            tokens = (0..<count).map { $0 == 0 ? "t1" : " t\($0 + 1)" }
        } else {
            tokens = Self.words(Self.trimTrailingSpace(greeting + echoed))
        }
        var finishReason = "stop"
        if let maxTokens, tokens.count > maxTokens {
            tokens = Array(tokens.prefix(maxTokens))
            finishReason = "length"
        }
        let stream = request["stream"]?.boolValue ?? false
        let model = requestedModel?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? servedModel
        return .success(
            ChatScript(
                model: model,
                stream: stream,
                includeUsage: stream && (request["stream_options"]?["include_usage"]?.boolValue ?? false)
                    && !directives.noUsage,
                framing: directives.jsonLines ? .jsonLines : .sse,
                tokens: tokens,
                finishReason: finishReason,
                promptTokens: messages.reduce(0) { $0 + Self.wordCount(Self.text(of: $1["content"])) },
                failAfter: directives.failAfter.flatMap { $0 < tokens.count ? $0 : nil },
                firstTokenDelay: Double(directives.firstTokenDelayMs) / 1000,
                tokenDelay: Double(directives.delayMs) / 1000,
                partBytes: directives.partBytes)
        ).flatMap { $0.addingChoicesReasoningAndTools(request, directives, echoed: echoed) }
    }

    /// vLLM's error body: `{"object": "error", "message", "type", "param", "code"}`.
    static func vllmError(_ status: Int, _ type: String, _ message: String) -> Failure {
        let body: JSONValue = .object([
            ("object", .string("error")), ("message", .string(message)), ("type", .string(type)),
            ("param", .null), ("code", .int(status)),
        ])
        return .container(status: status, body: JSONWriter.string(body))
    }

    private static func lastUserText(_ request: JSONValue) -> String? {
        guard let messages = request["messages"]?.arrayValue else { return nil }
        guard let last = messages.last(where: { $0["role"]?.stringValue == "user" }) else { return nil }
        return text(of: last["content"])
    }

    /// A message's text: a string, or the `text` of its content parts.
    static func text(of content: JSONValue?) -> String {
        guard let content else { return "" }
        if let s = content.stringValue { return s }
        guard let parts = content.arrayValue else { return "" }
        return parts.compactMap { $0["text"]?.stringValue }.joined(separator: " ")
    }

    static func wordCount(_ text: String) -> Int {
        text.split(whereSeparator: { $0.isWhitespace }).count
    }

    /// Splits before each whitespace run that follows a word: each token is a word with the whitespace before
    /// it (" from"), so the tokens concatenate back to the text exactly.
    static func words(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        var previousWasWord = false
        for ch in text {
            if ch.isWhitespace, previousWasWord {
                tokens.append(current)
                current = ""
            }
            current.append(ch)
            previousWasWord = !ch.isWhitespace
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    private static func trimTrailingSpace(_ s: String) -> String {
        var s = s
        while s.last?.isWhitespace == true { s.removeLast() }
        return s
    }
}
