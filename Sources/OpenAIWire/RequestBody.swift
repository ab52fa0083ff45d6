import GatewayWire

/// The first steps every OpenAI POST body goes through: JSON, an object, one value per key, a `model`.
/// Worded as OpenAI words these errors (see `ValidationMessage`).
package enum RequestBody {
    /// The body's members, a repeated key keeping only its last value (the one `JSONValue`'s subscript
    /// reads), so the container never sees a different value from the one validated.
    package static func fields(_ body: [UInt8]) throws(GatewayError) -> [(String, JSONValue)] {
        let json: JSONValue
        do {
            json = try JSONParser.parse(body)
        } catch {
            throw GatewayError(
                .invalidRequest,
                "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your "
                    + "HTTP library correctly. The API expects a JSON payload, but what was sent was not valid JSON: "
                    + "\(error).)")
        }
        guard case .object(let raw) = json else {
            throw GatewayError(
                .invalidRequest,
                "Invalid type for request body: expected an object, but got \(ValidationMessage.describe(json)) instead."
            )
        }
        return hasRepeatedKey(raw) ? lastOfEachKey(raw) : raw
    }

    /// Repeated keys are rare, and a body has a handful of members: compared pairwise they cost no
    /// hashing and no copy of the members; a body with many members takes the dictionary path.
    private static func hasRepeatedKey(_ members: [(String, JSONValue)]) -> Bool {
        guard members.count <= 32 else { return true }
        for i in members.indices {
            for j in (i + 1)..<members.count where members[i].0 == members[j].0 { return true }
        }
        return false
    }

    private static func lastOfEachKey(_ members: [(String, JSONValue)]) -> [(String, JSONValue)] {
        var lastOffset: [String: Int] = [:]
        for (offset, member) in members.enumerated() { lastOffset[member.0] = offset }
        return members.enumerated().filter { lastOffset[$0.element.0] == $0.offset }.map(\.element)
    }

    package static func model(_ value: JSONValue?) throws(GatewayError) -> String {
        guard let value, !value.isNull else { throw ValidationMessage.missing("model") }
        guard case .string(let model) = value else {
            throw ValidationMessage.invalidType("model", expected: "a string", got: value)
        }
        guard !model.isEmpty else { throw ValidationMessage.emptyString("model") }
        return model
    }

    /// `stream` and `stream_options.include_usage`, with OpenAI's rule that options need a stream.
    package static func stream(_ body: JSONValue) throws(GatewayError) -> (stream: Bool, includeUsage: Bool) {
        let stream = try ChatRequestValidator.optionalBool(body["stream"], "stream") ?? false
        guard let options = body["stream_options"], !options.isNull else { return (stream, false) }
        guard stream else {
            throw GatewayError(
                .invalidRequest, "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
                param: "stream_options")
        }
        guard case .object = options else {
            throw ValidationMessage.invalidType("stream_options", expected: "an object", got: options)
        }
        let includeUsage =
            try ChatRequestValidator.optionalBool(options["include_usage"], "stream_options.include_usage") ?? false
        return (stream, includeUsage)
    }

    /// A list of token ids: non-empty, every element a non-negative integer; errors name `param[i]`.
    package static func tokenIds(_ items: [JSONValue], _ param: String) throws(GatewayError) -> [Int] {
        guard !items.isEmpty else { throw ValidationMessage.emptyArray(param) }
        var ids: [Int] = []
        ids.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            try ParameterRules.integer("\(param)[\(i)]", item, min: 0, max: nil)
            ids.append(item.intValue ?? 0)
        }
        return ids
    }
}
