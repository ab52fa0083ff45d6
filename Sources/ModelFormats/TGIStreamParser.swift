import GatewayWire

/// Parses a `tgi`-format container's stream (TGI's `generate_stream`) into the same `ParsedItem`s
/// `OpenAIStreamParser` produces, single-step, so the translator can hold either.
/// https://huggingface.github.io/text-generation-inference/#/Text%20Generation%20Inference/generate_stream
///
///     data:{"index":1,"token":{"id":22557,"text":" Hello","logprob":-0.1,"special":false},
///           "generated_text":null,"details":null}
///     data:{"index":2,"token":{"id":2,"text":"</s>","logprob":0.0,"special":true},"generated_text":" Hello",
///           "details":{"finish_reason":"eos_token","generated_tokens":2,"seed":null,"input_length":7}}
///
/// (one line each on the wire)
///
/// Each token's text becomes `.content` on choice 0, except special tokens (`</s>`, `<|eot_id|>`: markup,
/// not text). The last event's `details` gives `.finish` and, when the prompt's token count is known,
/// `.usage`; its `generated_text` repeats what was streamed and is ignored. `data:{"error": ...}` is
/// `.error`. Framing, including JSON lines from LMI's TGI-compatible output, is `StreamFramer`'s.
package struct TGIStreamParser: ModelStreamParser {
    private var framer = StreamFramer()
    private var stops: StopSequenceTrimmer
    private let promptTokensIfUnreported: Int?

    /// `stopSequences`: the request's `stop` (`TGIParameters.stopSequences(in:)`), taken out of the text as
    /// OpenAI does. `promptTokensIfUnreported`: the prompt's token count to report when TGI's `details`
    /// carry none (before TGI 2.x); without it such a stream has no usage event.
    package init(stopSequences: [String] = [], promptTokensIfUnreported: Int? = nil) {
        stops = StopSequenceTrimmer(stopSequences)
        self.promptTokensIfUnreported = promptTokensIfUnreported
    }

    package mutating func append(_ bytes: ArraySlice<UInt8>, into items: inout [ParsedItem]) {
        for output in framer.append(bytes) { items += process(output) }
    }

    /// End of input: the last unterminated event, and text held back as a possible stop sequence (the
    /// stream ended without the `details` that would have decided it).
    package mutating func finish() -> [ParsedItem] {
        var items: [ParsedItem] = []
        for output in framer.finish() { items += process(output) }
        return items + content(stops.finish(stoppedBySequence: false))
    }

    private mutating func process(_ output: StreamFramer.Output) -> [ParsedItem] {
        switch output {
        case .done:
            return content(stops.finish(stoppedBySequence: false)) + [.done]
        case .error(let error):
            return content(stops.finish(stoppedBySequence: false)) + [.error(error)]
        case .object(let json):
            if let error = TGIEventDecoder.error(in: json, streaming: true) {
                return content(stops.finish(stoppedBySequence: false)) + [.error(error)]
            }
            guard let token = json["token"], case .object = token else {
                let text = StreamFramer.describe(JSONWriter.string(json))
                let message =
                    "The model container sent \(text), which is not a TGI token event; is the model's format right?"
                return [.error(GatewayError(.upstreamFailure, message))]
            }
            var items: [ParsedItem] = []
            if token["special"]?.boolValue != true, let text = token["text"]?.stringValue {
                items += content(stops.push(text))
            }
            guard let details = json["details"], case .object = details else { return items }
            let reason = TGIEventDecoder.rawFinishReason(in: details)
            items += content(stops.finish(stoppedBySequence: reason == "stop_sequence"))
            if let reason {
                items.append(.event(.finish(choice: 0, reason: TGIEventDecoder.finishReason(tgi: reason))))
            }
            if let usage = TGIEventDecoder.usage(in: details, promptTokensIfUnreported: promptTokensIfUnreported) {
                items.append(.event(.usage(usage)))
            }
            return items
        }
    }

    private func content(_ text: String) -> [ParsedItem] {
        text.isEmpty ? [] : [.event(.content(choice: 0, text: text))]
    }
}
