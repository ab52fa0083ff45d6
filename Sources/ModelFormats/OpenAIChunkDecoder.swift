import GatewayWire

/// Turns one decoded JSON object from an `openai`-format container into model events. Shared by the
/// stream parser (`chat.completion.chunk`, `choices[].delta`) and the response parser
/// (`chat.completion`, `choices[].message`).
/// https://platform.openai.com/docs/api-reference/chat-streaming/streaming
enum OpenAIChunkDecoder {
    /// The error message if `object` is an error report rather than output: OpenAI's
    /// `{"error": {"message": ...}}`, or vLLM's `{"object": "error", "message": ..., "code": ...}`.
    static func errorMessage(in object: JSONValue) -> String? {
        if let error = object["error"], !error.isNull {
            if let text = error.stringValue { return text }
            let message = error["message"]?.stringValue ?? JSONWriter.string(error)
            if let code = error["code"], !code.isNull { return "\(message) (code \(describe(code)))" }
            return message
        }
        if object["object"]?.stringValue == "error" {
            let message = object["message"]?.stringValue ?? "the model returned an error"
            if let code = object["code"], !code.isNull { return "\(message) (code \(describe(code)))" }
            return message
        }
        return nil
    }

    /// Events in a chunk, in the order a client should see them: per choice reasoning, content, tool
    /// calls, finish; then usage. `payloadKey` is `delta` for streams, `message` for whole responses.
    static func events(in object: JSONValue, payloadKey: String) -> [ModelEvent] {
        var events: [ModelEvent] = []
        for (position, choice) in (object["choices"]?.arrayValue ?? []).enumerated() {
            let index = choice["index"]?.intValue ?? position
            if let payload = choice[payloadKey] {
                if let reasoning = reasoningText(in: payload) {
                    events.append(.reasoning(choice: index, text: reasoning))
                }
                if let content = payload["content"]?.stringValue, !content.isEmpty {
                    events.append(.content(choice: index, text: content))
                }
                for (callPosition, call) in (payload["tool_calls"]?.arrayValue ?? []).enumerated() {
                    events.append(.toolCall(choice: index, toolCall(call, position: callPosition)))
                }
            } else {
                // A completions-style choice (`/v1/completions`, and some containers even on the chat route);
                // its log probabilities go first so a stream renderer can put them on the text's chunk.
                if let logprobs = choice["logprobs"], logprobs["tokens"] != nil {
                    events.append(.logprobs(choice: index, logprobs))
                }
                if let text = choice["text"]?.stringValue, !text.isEmpty {
                    events.append(.content(choice: index, text: text))
                }
            }
            if let reason = choice["finish_reason"]?.stringValue {
                events.append(.finish(choice: index, reason: reason))
            }
        }
        if let usage = object["usage"], let parsed = self.usage(usage) {
            events.append(.usage(parsed))
        }
        return events
    }

    /// LMI/TGI-style token objects: `{"token": {"text": "...", "special": false}, "details": {...}}`.
    /// Special tokens (end-of-sequence and the like) are not text for the client.
    static func tokenEvents(in object: JSONValue) -> [ModelEvent]? {
        guard let token = object["token"], case .object = token else { return nil }
        var events: [ModelEvent] = []
        if token["special"]?.boolValue != true, let text = token["text"]?.stringValue, !text.isEmpty {
            events.append(.content(choice: 0, text: text))
        }
        if let reason = object["details"]?["finish_reason"]?.stringValue {
            events.append(.finish(choice: 0, reason: TGIEventDecoder.finishReason(tgi: reason)))
        }
        return events
    }

    /// Reasoning under either name servers use (`reasoning_content`, or `reasoning` from vLLM since early
    /// 2026). A server in transition may send both with the same text, or one as `null`: the first non-empty
    /// one counts, once. https://docs.vllm.ai/en/latest/features/reasoning_outputs.html
    static func reasoningText(in payload: JSONValue) -> String? {
        for field in ReasoningField.allCases {
            if let text = payload[field.rawValue]?.stringValue, !text.isEmpty { return text }
        }
        return nil
    }

    private static func toolCall(_ call: JSONValue, position: Int) -> ToolCallDelta {
        let function = call["function"]
        // Arguments are a JSON string by the spec; a container that sends the object itself still works.
        let arguments: String
        switch function?["arguments"] {
        case .string(let s)?: arguments = s
        case nil, .null?: arguments = ""
        case let other?: arguments = JSONWriter.string(other)
        }
        return ToolCallDelta(
            index: call["index"]?.intValue ?? position, id: call["id"]?.stringValue,
            name: function?["name"]?.stringValue, arguments: arguments)
    }

    private static func usage(_ value: JSONValue) -> Usage? {
        guard case .object = value else { return nil }
        guard let prompt = value["prompt_tokens"]?.intValue, let completion = value["completion_tokens"]?.intValue
        else {
            return nil
        }
        return Usage(promptTokens: prompt, completionTokens: completion, totalTokens: value["total_tokens"]?.intValue)
    }

    private static func describe(_ value: JSONValue) -> String {
        value.stringValue ?? JSONWriter.string(value)
    }
}
