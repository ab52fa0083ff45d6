import GatewayWire

/// OpenAI's sampling parameters as TGI's native `parameters` object, within the limits TGI's router
/// enforces, so a valid OpenAI request never comes back as TGI's 422.
/// https://huggingface.github.io/text-generation-inference/#/Text%20Generation%20Inference/generate
///
/// - `max_completion_tokens` (else `max_tokens`) → `max_new_tokens` (≥ 1). Without either, TGI's own default
///   applies (up to the context in TGI 2.x; 20 tokens in old versions).
/// - Sampling is OpenAI's default, so `do_sample` is `true` unless the client asked for greedy decoding with
///   `temperature: 0` or `top_p: 0`. TGI rejects both values, so greedy is sent as `do_sample: false` with
///   no `temperature`, `top_p`, `top_k` or `typical_p` (any of them would switch TGI back to sampling).
///   A client's own `do_sample` is honoured otherwise.
/// - `top_p: 1` and `typical_p: 1` mean "off", which TGI spells by leaving them out (it wants < 1).
/// - `stop`, a string or a list, → `stop` (a list). TGI leaves a matched stop sequence in its output; the
///   parsers take it out, so pass `stopSequences(in:)` to them.
/// - `seed` → `seed`; TGI's is unsigned, so a negative seed is sent as its 64-bit two's complement (still
///   one fixed seed per value).
/// - `frequency_penalty` → TGI's `frequency_penalty`, which has OpenAI's meaning (TGI 2.0+; older versions
///   ignore it). `presence_penalty` is not sent: TGI has no additive presence penalty, and its
///   `repetition_penalty` is multiplicative on a different scale, so converting one into the other would
///   pretend a precision it does not have. Clients that want TGI's penalty send `repetition_penalty`.
/// - TGI-only extras the client sent pass through: `top_k`, `typical_p`, `repetition_penalty`, `do_sample`,
///   `truncate`, `watermark`, and `best_of` (1 or 2, TGI's default `--max-best-of`; 2 needs sampling, no
///   seed, and no streaming).
/// - `n` other than 1 is refused: the native API generates one sequence per request.
/// - Always `details: true` (the finish reason and token counts live there) and `return_full_text: false`.
/// - Everything else (tools, response_format, logprobs, ...) has no native counterpart and is not sent.
package enum TGIParameters {
    package static func parameters(from openAI: [(String, JSONValue)], stream: Bool) throws(GatewayError)
        -> [(String, JSONValue)]
    {
        let request = Lookup(openAI)
        var out: [(String, JSONValue)] = []

        if let n = request["n"], n.intValue != 1 {
            throw invalid("n", "TGI's native API generates one choice per request, so `n` must be 1.")
        }

        let maxName = request["max_completion_tokens"] != nil ? "max_completion_tokens" : "max_tokens"
        if let value = request[maxName] {
            guard let count = value.intValue, count >= 1 else {
                throw invalid(maxName, "`\(maxName)` must be an integer ≥ 1.")
            }
            out.append(("max_new_tokens", .int(count)))
        }

        let temperature = try number(request, "temperature", in: 0...Double.greatestFiniteMagnitude, "a number ≥ 0")
        let topP = try number(request, "top_p", in: 0...1, "a number from 0 to 1")
        let greedy = temperature?.value == 0 || topP.map { $0.value <= 0 } == true
        if !greedy {
            if let temperature { out.append(("temperature", temperature.literal)) }
            if let topP, topP.value < 1 { out.append(("top_p", topP.literal)) }
            if let value = request["top_k"] {
                guard let k = value.intValue else { throw invalid("top_k", "`top_k` must be an integer.") }
                // vLLM and others spell "off" as -1 or 0; TGI wants it left out.
                if k > 0 { out.append(("top_k", .int(k))) }
            }
            if let typicalP = try number(request, "typical_p", in: .ulpOfOne...1, "a number above 0, at most 1"),
                typicalP.value < 1
            {
                out.append(("typical_p", typicalP.literal))
            }
        }
        if let penalty = try number(
            request, "repetition_penalty", in: .ulpOfOne...Double.greatestFiniteMagnitude, "a number above 0")
        {
            out.append(("repetition_penalty", penalty.literal))
        }
        if let penalty = try number(request, "frequency_penalty", in: -2...2, "a number from -2 to 2"),
            penalty.value != 0
        {
            out.append(("frequency_penalty", penalty.literal))
        }

        var doSample = !greedy
        if let value = request["do_sample"] {
            guard case .bool(let asked) = value else { throw invalid("do_sample", "`do_sample` must be a boolean.") }
            if !greedy { doSample = asked }
        }
        out.append(("do_sample", .bool(doSample)))

        let stops = stopSequences(in: openAI)
        if !stops.isEmpty { out.append(("stop", .array(stops.map(JSONValue.string)))) }

        let seed = try self.seed(request)
        if let seed { out.append(("seed", seed)) }

        if let value = request["best_of"] {
            guard let bestOf = value.intValue, (1...2).contains(bestOf) else {
                throw invalid("best_of", "`best_of` must be 1 or 2 for this model (TGI's limit).")
            }
            if bestOf == 2 {
                guard doSample else {
                    throw invalid("best_of", "`best_of` needs sampling; it cannot be used with greedy decoding.")
                }
                guard seed == nil else { throw invalid("best_of", "`best_of` cannot be combined with `seed`.") }
                guard !stream else { throw invalid("best_of", "`best_of` cannot be used when streaming.") }
                out.append(("best_of", .int(bestOf)))
            }
        }
        if let value = request["truncate"] {
            guard let tokens = value.intValue, tokens >= 1 else {
                throw invalid("truncate", "`truncate` must be an integer ≥ 1.")
            }
            out.append(("truncate", .int(tokens)))
        }
        if let value = request["watermark"] {
            guard case .bool = value else { throw invalid("watermark", "`watermark` must be a boolean.") }
            out.append(("watermark", value))
        }

        out.append(("details", .bool(true)))
        out.append(("return_full_text", .bool(false)))
        return out
    }

    /// OpenAI's `stop` as a list, empty strings dropped (they would match everywhere).
    package static func stopSequences(in openAI: [(String, JSONValue)]) -> [String] {
        switch Lookup(openAI)["stop"] {
        case .string(let s)?: return s.isEmpty ? [] : [s]
        case .array(let items)?: return items.compactMap(\.stringValue).filter { !$0.isEmpty }
        default: return []
        }
    }

    /// The client's parameters by name, the last occurrence winning, `null` meaning absent.
    private struct Lookup {
        let members: [(String, JSONValue)]

        init(_ members: [(String, JSONValue)]) { self.members = members }

        subscript(name: String) -> JSONValue? {
            guard let value = members.last(where: { $0.0 == name })?.1, !value.isNull else { return nil }
            return value
        }
    }

    /// A number parameter, its literal kept so `0.70` reaches the container as written.
    private static func number(_ request: Lookup, _ name: String, in range: ClosedRange<Double>, _ expected: String)
        throws(GatewayError) -> (value: Double, literal: JSONValue)?
    {
        guard let value = request[name] else { return nil }
        guard let number = value.doubleValue, range.contains(number) else {
            throw invalid(name, "`\(name)` must be \(expected).")
        }
        return (number, value)
    }

    private static func seed(_ request: Lookup) throws(GatewayError) -> JSONValue? {
        guard let value = request["seed"] else { return nil }
        if let seed = value.intValue {
            return seed < 0 ? .number(String(UInt64(bitPattern: Int64(seed)))) : .int(seed)
        }
        if case .number(let literal) = value, UInt64(literal) != nil { return value }
        throw invalid("seed", "`seed` must be an integer.")
    }

    private static func invalid(_ param: String, _ message: String) -> GatewayError {
        GatewayError(.invalidRequest, message, param: param)
    }
}
