import GatewayWire

/// The body an `openai`-format container (vLLM, SGLang, LMI) is invoked with for `POST /v1/completions`:
/// OpenAI's own completions body, which those containers tell from a chat body by its `prompt`.
/// https://platform.openai.com/docs/api-reference/completions/create
package enum OpenAICompletionPayload {
    private static let ownFields: Set<String> = ["model", "prompt", "stream", "stream_options"]

    /// As for chat: `model` is `container_model` or empty, never the client's alias; a stream always asks
    /// for usage so the final chunk carries real counts where the container supports it.
    package static func body(for request: CompletionRequest, containerModel: String?) -> [UInt8] {
        var members: [(String, JSONValue)] = [
            ("model", .string(containerModel ?? "")),
            ("prompt", request.prompt),
        ]
        members += request.parameters.filter { !ownFields.contains($0.0) }
        members.append(("stream", .bool(request.stream)))
        if request.stream {
            members.append(("stream_options", .object([("include_usage", .bool(true))])))
        }
        return JSONWriter.bytes(.object(members))
    }
}
