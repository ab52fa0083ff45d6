// Frame payloads for the completions and embeddings operations and the embeddings answer; the layout is
// in docs/protocol.md.

extension GatewayRequest {
    func completionMembers(_ completion: CompletionRequest) -> [(String, JSONValue)] {
        [
            ("op", .string("completion")),
            ("model", .string(completion.model)),
            ("prompt", completion.prompt),
            ("stream", .bool(completion.stream)),
            ("include_usage", .bool(completion.includeUsage)),
            ("parameters", .object(completion.parameters)),
        ]
    }

    func embeddingsMembers(_ embeddings: EmbeddingsRequest) -> [(String, JSONValue)] {
        var members: [(String, JSONValue)] = [
            ("op", .string("embeddings")),
            ("model", .string(embeddings.model)),
            ("input", embeddings.input.json),
            ("encoding_format", .string(embeddings.encodingFormat.rawValue)),
        ]
        if let dimensions = embeddings.dimensions { members.append(("dimensions", .int(dimensions))) }
        members.append(("parameters", .object(embeddings.parameters)))
        return members
    }
}

extension CompletionRequest {
    init(wire json: JSONValue) throws(FrameError) {
        guard let model = json["model"]?.stringValue, let prompt = json["prompt"],
            let stream = json["stream"]?.boolValue, let includeUsage = json["include_usage"]?.boolValue,
            let parameters = json["parameters"]?.objectValue
        else { throw FrameError.invalidPayload("incomplete completion request") }
        self.init(model: model, prompt: prompt, stream: stream, includeUsage: includeUsage, parameters: parameters)
    }
}

extension EmbeddingsRequest {
    init(wire json: JSONValue) throws(FrameError) {
        guard let model = json["model"]?.stringValue, let list = json["input"]?.arrayValue,
            let format = json["encoding_format"]?.stringValue.flatMap(EncodingFormat.init(rawValue:)),
            let parameters = json["parameters"]?.objectValue
        else { throw FrameError.invalidPayload("incomplete embeddings request") }
        let input: Input
        if let texts = Self.all(list, \.stringValue) {
            input = .texts(texts)
        } else if let ids = Self.all(list, { $0.arrayValue.flatMap { Self.all($0, \.intValue) } }) {
            input = .tokenIds(ids)
        } else {
            throw FrameError.invalidPayload("embeddings input is neither strings nor token id lists")
        }
        var dimensions: Int?
        if let value = json["dimensions"] {
            guard let d = value.intValue else { throw FrameError.invalidPayload("dimensions is not an integer") }
            dimensions = d
        }
        self.init(model: model, input: input, encodingFormat: format, dimensions: dimensions, parameters: parameters)
    }

    private static func all<T>(_ list: [JSONValue], _ get: (JSONValue) -> T?) -> [T]? {
        var out: [T] = []
        out.reserveCapacity(list.count)
        for item in list {
            guard let value = get(item) else { return nil }
            out.append(value)
        }
        return out
    }
}

extension EmbeddingsResult {
    /// `{"vectors": ["<base64 of little-endian float32s>", ...], "prompt_tokens": 12}`: exact by construction,
    /// a third of the size of decimal text, so 2048 inputs of 4096 dimensions stay well inside one frame.
    var wire: JSONValue {
        var members: [(String, JSONValue)] = [
            ("vectors", .array(vectors.map { .string(Base64.encode(float32LittleEndian: $0)) }))
        ]
        if let promptTokens { members.append(("prompt_tokens", .int(promptTokens))) }
        return .object(members)
    }

    init(wire json: JSONValue) throws(FrameError) {
        guard let list = json["vectors"]?.arrayValue else {
            throw FrameError.invalidPayload("embeddings without vectors")
        }
        var vectors: [[Float]] = []
        vectors.reserveCapacity(list.count)
        for item in list {
            guard let text = item.stringValue, let vector = Base64.decodeFloat32LittleEndian(text) else {
                throw FrameError.invalidPayload("a vector is not base64 of little-endian float32s")
            }
            vectors.append(vector)
        }
        self.init(vectors: vectors, promptTokens: json["prompt_tokens"]?.intValue)
    }
}
