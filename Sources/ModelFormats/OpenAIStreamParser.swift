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

    package mutating func append(_ bytes: ArraySlice<UInt8>, into items: inout [ParsedItem]) {
        framer.appendFrames(bytes) { Self.read($0, into: &items) }
    }

    /// End of input: the last unterminated line and an SSE event without its closing blank line are
    /// still delivered, because containers that omit the final newline are common.
    package mutating func finish() -> [ParsedItem] {
        var items: [ParsedItem] = []
        framer.finishFrames { Self.read($0, into: &items) }
        return items
    }

    private static func read(_ frame: StreamFramer.Frame, into items: inout [ParsedItem]) {
        switch frame {
        case .done: items.append(.done)
        case .error(let error): items.append(.error(error))
        case .payload(let bytes):
            if !OpenAIChunkFastPath.read(bytes, into: &items) { items += genericItems(payload: Array(bytes)) }
        }
    }

    /// The common chunk read straight from its bytes, or `nil` where only `genericItems` decides; whenever it
    /// is not `nil` it equals `genericItems` (package-visible so tests and the fuzzer can check that).
    package static func fastItems(payload: [UInt8]) -> [ParsedItem]? {
        var items: [ParsedItem] = []
        return OpenAIChunkFastPath.read(payload[...], into: &items) ? items : nil
    }

    /// One payload parsed into a `JSONValue` and read by `OpenAIChunkDecoder`: every shape, and every error.
    package static func genericItems(payload: [UInt8]) -> [ParsedItem] {
        switch StreamFramer.decode(payload) {
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
