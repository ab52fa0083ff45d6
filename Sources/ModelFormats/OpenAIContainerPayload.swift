import GatewayWire

/// The body an `openai`-format container (LMI, vLLM, SGLang, TGI's Messages API) is invoked with.
/// https://platform.openai.com/docs/api-reference/chat/create
package enum OpenAIContainerPayload {
    /// Fields this builder writes itself; a parameter of the same name is never sent twice.
    private static let ownFields: Set<String> = ["model", "messages", "stream", "stream_options"]

    /// `model` is the name the container serves (`container_model`) or empty, never the client's alias:
    /// vLLM rejects a model it does not serve. When streaming, usage is always asked for so the final
    /// usage chunk carries real counts where the container supports it.
    package static func body(for request: ChatRequest, containerModel: String?) -> [UInt8] {
        var members: [(String, JSONValue)] = [
            ("model", .string(containerModel ?? "")),
            ("messages", .array(request.messages)),
        ]
        members += request.parameters.filter { !ownFields.contains($0.0) }
        members.append(("stream", .bool(request.stream)))
        if request.stream {
            members.append(("stream_options", .object([("include_usage", .bool(true))])))
        }
        return JSONWriter.bytes(.object(members))
    }
}
