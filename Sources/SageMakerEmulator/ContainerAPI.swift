import GatewayWire

/// Which of its APIs the emulated container is asked for, told from the body's shape on `/invocations` as
/// vLLM's and SGLang's SageMaker routers and TEI do: `messages` is chat, `prompt` completions, `input`
/// OpenAI embeddings, `inputs` TEI's `/embed`.
enum ContainerAPI: Equatable {
    case chat
    case completions
    case openAIEmbeddings
    case teiEmbeddings

    init(body: [UInt8]) {
        guard let json = try? JSONParser.parse(body), json.objectValue != nil, json["messages"] == nil else {
            self = .chat
            return
        }
        if json["prompt"] != nil {
            self = .completions
        } else if json["input"] != nil {
            self = .openAIEmbeddings
        } else if json["inputs"] != nil {
            self = .teiEmbeddings
        } else {
            self = .chat
        }
    }
}
