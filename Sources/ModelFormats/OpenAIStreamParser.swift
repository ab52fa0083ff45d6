import GatewayWire

/// Parses an `openai`-format container's streamed output into `ParsedItem`s, single-step: feed bytes as
/// they arrive, get items for every line completed so far.
///
/// Framing (SSE or JSON lines, detected from the bytes) is `StreamFramer`'s; this type reads each object
/// as a `chat.completion.chunk`, an error report, or an LMI/TGI token line.
/// https://platform.openai.com/docs/api-reference/chat-streaming/streaming
package struct OpenAIStreamParser: ModelStreamParser {
    package typealias Framing = StreamFramer.Framing

    private var framer = StreamFramer()
    package var framing: Framing? { framer.framing }

    /// A container line that never ends must not grow memory without bound.
    package static var maxLineBytes: Int { StreamFramer.maxLineBytes }

    package init() {}

    package mutating func append(_ bytes: [UInt8]) -> [ParsedItem] {
        framer.append(bytes).flatMap(Self.items)
    }

    /// End of input: the last unterminated line and an SSE event without its closing blank line are
    /// still delivered, because containers that omit the final newline are common.
    package mutating func finish() -> [ParsedItem] {
        framer.finish().flatMap(Self.items)
    }

    private static func items(_ output: StreamFramer.Output) -> [ParsedItem] {
        switch output {
        case .done: return [.done]
        case .error(let error): return [.error(error)]
        case .object(let json):
            if let message = OpenAIChunkDecoder.errorMessage(in: json) {
                return [.error(GatewayError(.modelStreamError, message))]
            }
            if let tokenEvents = OpenAIChunkDecoder.tokenEvents(in: json) {
                return tokenEvents.map(ParsedItem.event)
            }
            return OpenAIChunkDecoder.events(in: json, payloadKey: "delta").map(ParsedItem.event)
        }
    }
}
