import GatewayWire

/// The body a `tgi`-format container (TGI's native API, as SageMaker's Hugging Face LLM containers serve it
/// on `/invocations`) is invoked with: `{"inputs": "...", "parameters": {...}, "stream": ...}`. TGI routes
/// `/invocations` to `generate` or `generate_stream` by `stream`.
/// https://huggingface.github.io/text-generation-inference/#/Text%20Generation%20Inference/compat_generate
package enum TGIPayload {
    /// Chat: `messages` rendered with the model's prompt template. Errors are client errors (400) naming
    /// the parameter or message at fault.
    package static func body(for request: ChatRequest, template: PromptTemplate) throws(GatewayError) -> [UInt8] {
        try encode(inputs: template.render(request.messages), parameters: request.parameters, stream: request.stream)
    }

    /// Completions: the `prompt` string is `inputs`, unchanged.
    package static func body(prompt: String, parameters: [(String, JSONValue)], stream: Bool) throws(GatewayError)
        -> [UInt8]
    {
        guard !prompt.isEmpty else {
            throw GatewayError(.invalidRequest, "TGI cannot generate from an empty prompt.", param: "prompt")
        }
        return try encode(inputs: prompt, parameters: parameters, stream: stream)
    }

    private static func encode(inputs: String, parameters: [(String, JSONValue)], stream: Bool) throws(GatewayError)
        -> [UInt8]
    {
        let tgi = try TGIParameters.parameters(from: parameters, stream: stream)
        return JSONWriter.bytes(
            .object([("inputs", .string(inputs)), ("parameters", .object(tgi)), ("stream", .bool(stream))]))
    }
}
