import GatewayWire

/// The body an `openai`-format container (LMI, vLLM, SGLang, TGI's Messages API) is invoked with.
/// https://platform.openai.com/docs/api-reference/chat/create
package enum OpenAIContainerPayload {
    /// Fields this builder writes itself; a parameter of the same name is never sent twice.
    private static func isOwnField(_ name: String) -> Bool {
        switch name {
        case "model", "messages", "stream", "stream_options": return true
        default: return false
        }
    }

    /// `model` is the name the container serves (`container_model`) or empty, never the client's alias:
    /// vLLM rejects a model it does not serve. When streaming, usage is always asked for so the final
    /// usage chunk carries real counts where the container supports it.
    ///
    /// Written member by member, the bytes `JSONWriter` writes for the object: every chat request to an
    /// `openai` container is built here, and gathering the members into an array (and hashing each
    /// parameter's name into a set) first cost more than writing them.
    package static func body(for request: ChatRequest, containerModel: String?) -> [UInt8] {
        body(for: request, containerModel: containerModel, stream: request.stream)
    }

    /// The body with `stream` in place of the request's own: the session asks for a streamed or a whole answer
    /// without copying the request to change it.
    package static func body(for request: ChatRequest, containerModel: String?, stream: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        out.append(contentsOf: #"{"model":"#.utf8)
        JSONWriter.writeString(containerModel ?? "", into: &out)
        out.append(contentsOf: #","messages":"#.utf8)
        request.writeMessages(into: &out)
        for (name, value) in request.parameters where !isOwnField(name) {
            out.append(UInt8(ascii: ","))
            JSONWriter.writeString(name, into: &out)
            out.append(UInt8(ascii: ":"))
            JSONWriter.write(value, into: &out)
        }
        out.append(contentsOf: stream ? #","stream":true"#.utf8 : #","stream":false"#.utf8)
        if stream { out.append(contentsOf: #","stream_options":{"include_usage":true}"#.utf8) }
        out.append(UInt8(ascii: "}"))
        return out
    }
}
