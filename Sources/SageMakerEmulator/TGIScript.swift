import GatewayWire

/// What the emulated TGI container (the native API SageMaker's Hugging Face LLM containers serve on
/// `/invocations`) answers to one `{"inputs", "parameters", "stream"}` body, worked out up front.
///
/// Parameters are checked as TGI's router checks them (`router/src/validation.rs`): a bad value is a 422 with
/// `{"error": "Input validation error: …", "error_type": "validation"}`, which SageMaker wraps in a ModelError.
/// The answer is the chat script's greeting followed by `inputs` (the whole rendered prompt, directives removed),
/// so tests see exactly what the gateway's template produced. Generation stops like TGI's: at `max_new_tokens`
/// (`length`), when the text generated so far ends with a stop sequence (`stop_sequence`, the sequence left in),
/// or with the end-of-sequence token `</s>` (`eos_token`), which counts as a generated token.
/// https://huggingface.github.io/text-generation-inference/#/Text%20Generation%20Inference/compat_generate
struct TGIScript {
    var stream: Bool
    /// Generated text tokens, in order, without the end-of-sequence token.
    var tokens: [String]
    /// `eos_token`, `length` or `stop_sequence`.
    var finishReason: String
    var inputLength: Int
    /// TGI before 2.x sends no `input_length` in stream details; `[no_usage]` asks for that behaviour.
    var reportsInputLength: Bool
    var details: Bool
    var returnFullText: Bool
    var inputs: String
    var seed: Int?
    /// Stop with a generation error after this many tokens.
    var failAfter: Int?
    var firstTokenDelay: Double
    var tokenDelay: Double
    var partBytes: Int?

    /// TGI's `--max-total-tokens` default in SageMaker's containers, and `--max-best-of`'s default.
    static let maxTotalTokens = 4096
    static let maxBestOf = 2
    static let maxStopSequences = 4
    static let eosToken = "</s>"

    /// Tokens generated: the text tokens plus the end-of-sequence token when generation ended on it.
    var generatedTokens: Int { tokens.count + (finishReason == "eos_token" ? 1 : 0) }

    static func make(body: [UInt8], endpoint: String) -> Result<TGIScript, ChatScript.Failure> {
        guard let request = try? JSONParser.parse(body), request.objectValue != nil else {
            return .failure(
                tgiError(422, "Failed to deserialize the JSON body into the target type", type: "validation"))
        }
        guard let inputs = request["inputs"]?.stringValue else {
            return .failure(
                tgiError(422, "Failed to deserialize the JSON body: missing field `inputs`", type: "validation"))
        }
        let (directives, echoed) = Directives.parse(inputs)
        if directives.throttle { return .failure(.service(.throttling())) }
        if directives.notReady { return .failure(.service(.modelNotReady(endpoint: endpoint))) }
        if directives.unavailable { return .failure(.service(.serviceUnavailable())) }
        if directives.internalFailure { return .failure(.service(.internalFailure())) }
        if directives.internalDependency { return .failure(.service(.internalDependency())) }

        let parameters = request["parameters"] ?? .object([])
        let stream = request["stream"]?.boolValue ?? false
        let inputLength = ChatScript.wordCount(inputs)
        let checked: Checked
        switch validate(parameters, stream: stream, inputs: inputs, inputLength: inputLength) {
        case .success(let c): checked = c
        case .failure(let invalid):
            return .failure(tgiError(422, "Input validation error: \(invalid.message)", type: "validation"))
        }
        if let code = directives.modelError {
            return .failure(
                tgiError(code, "Emulated model error \(code).", type: code < 500 ? "validation" : "generation"))
        }

        var candidates: [String]
        if let count = directives.tokens {
            candidates = (0..<count).map { $0 == 0 ? "t1" : " t\($0 + 1)" }
        } else {
            candidates = ChatScript.words(ChatScript.greeting + echoed)
        }
        var tokens: [String] = []
        var text = ""
        var finishReason = "eos_token"
        for token in candidates {
            tokens.append(token)
            text += token
            if let max = checked.maxNewTokens, tokens.count >= max {
                finishReason = "length"
                break
            }
            if checked.stop.contains(where: { text.hasSuffix($0) }) {
                finishReason = "stop_sequence"
                break
            }
        }
        // The end-of-sequence token is a generated token too: with no room left for it, generation ends on length.
        if finishReason == "eos_token", let max = checked.maxNewTokens, tokens.count >= max { finishReason = "length" }
        return .success(
            TGIScript(
                stream: stream, tokens: tokens, finishReason: finishReason, inputLength: inputLength,
                reportsInputLength: !directives.noUsage, details: checked.details,
                returnFullText: checked.returnFullText,
                inputs: inputs, seed: checked.seed,
                failAfter: directives.failAfter.flatMap { $0 < tokens.count ? $0 : nil },
                firstTokenDelay: Double(directives.firstTokenDelayMs) / 1000,
                tokenDelay: Double(directives.delayMs) / 1000,
                partBytes: directives.partBytes))
    }

    /// One of TGI's validation messages.
    private struct Invalid: Error, ExpressibleByStringInterpolation {
        var message: String
        init(stringLiteral value: String) { message = value }
    }

    private struct Checked {
        var maxNewTokens: Int?
        var stop: [String] = []
        var details = false
        var returnFullText = false
        var seed: Int?
    }

    /// TGI's checks, in its order, with its messages (`ValidationError` in router/src/validation.rs).
    private static func validate(_ parameters: JSONValue, stream: Bool, inputs: String, inputLength: Int)
        -> Result<Checked, Invalid>
    {
        func number(_ name: String) -> Double? { parameters[name]?.doubleValue }
        var checked = Checked()
        let doSample = parameters["do_sample"]?.boolValue ?? false
        checked.seed = parameters["seed"]?.intValue
        if let bestOf = parameters["best_of"]?.intValue {
            guard bestOf > 0, bestOf <= maxBestOf else {
                return .failure("`best_of` must be > 0 and <= \(maxBestOf). Given: \(bestOf)")
            }
            if bestOf > 1 {
                let sampling =
                    doSample || number("temperature") != nil || number("top_p") != nil
                    || parameters["top_k"]?.intValue != nil || number("typical_p") != nil
                guard sampling else { return .failure("you must use sampling when `best_of` is > 1") }
                guard checked.seed == nil else { return .failure("`seed` must not be set when `best_of` > 1") }
                guard !stream else { return .failure("`best_of` != 1 is not supported when streaming tokens") }
            }
        }
        if let t = number("temperature"), t <= 0 { return .failure("`temperature` must be strictly positive") }
        if let r = number("repetition_penalty"), r <= 0 {
            return .failure("`repetition_penalty` must be strictly positive")
        }
        if let f = number("frequency_penalty"), !(-2...2).contains(f) {
            return .failure("`frequency_penalty` must be >= -2.0 and <= 2.0")
        }
        if let p = number("top_p"), p <= 0 || p >= 1 { return .failure("`top_p` must be > 0.0 and < 1.0") }
        if let p = number("typical_p"), p <= 0 || p >= 1 { return .failure("`typical_p` must be > 0.0 and < 1.0") }
        if let k = parameters["top_k"]?.intValue, k <= 0 { return .failure("`top_k` must be strictly positive") }
        if let value = parameters["max_new_tokens"], !value.isNull {
            guard let n = value.intValue, n > 0 else { return .failure("`max_new_tokens` must be strictly positive") }
            checked.maxNewTokens = n
        }
        if let stop = parameters["stop"]?.arrayValue {
            guard stop.count <= maxStopSequences else {
                return .failure("`stop` supports up to \(maxStopSequences) stop sequences. Given: \(stop.count)")
            }
            checked.stop = stop.compactMap(\.stringValue)
        }
        if inputs.isEmpty { return .failure("`inputs` cannot be empty") }
        let asked = checked.maxNewTokens ?? 0
        if inputLength + asked > maxTotalTokens {
            return .failure(
                "`inputs` tokens + `max_new_tokens` must be <= \(maxTotalTokens). Given: \(inputLength) `inputs` tokens and \(asked) `max_new_tokens`"
            )
        }
        checked.details = parameters["details"]?.boolValue ?? false
        checked.returnFullText = parameters["return_full_text"]?.boolValue ?? false
        return .success(checked)
    }

    /// TGI's error body, `{"error": "...", "error_type": "..."}`.
    static func tgiError(_ status: Int, _ message: String, type: String) -> ChatScript.Failure {
        let body: JSONValue = .object([("error", .string(message)), ("error_type", .string(type))])
        return .container(status: status, body: JSONWriter.string(body))
    }
}
