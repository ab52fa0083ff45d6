import GatewayWire
import ModelFormats

/// Decodes an HTTP body that is the container's stream itself, with no AWS event-stream envelope: SageMaker's
/// OpenAI-compatible route answers streamed requests with plain `text/event-stream`. The bytes go straight to
/// the format's parser, which holds back partial lines and partial UTF-8 as it does for PayloadParts.
package struct PlainStreamDecoder: ResponseStreamDecoder {
    private var parser: any ModelStreamParser
    private var failed = false
    private var chunk: [UInt8] = []
    /// The parser's items for one read, kept for the same reason.
    private var items: [ParsedItem] = []

    package init(parser: any ModelStreamParser = OpenAIStreamParser()) {
        self.parser = parser
    }

    package mutating func append(_ bytes: UnsafeRawBufferPointer, into outputs: inout [SageMakerStreamDecoder.Output]) {
        guard !failed else { return }
        // The parser reads arrays: one, refilled in place, serves the whole stream.
        chunk.replaceSubrange(0..<chunk.count, with: bytes)
        if !items.isEmpty { items.removeAll(keepingCapacity: true) }
        parser.append(chunk[...], into: &items)
        add(items, to: &outputs)
    }

    package mutating func finish() -> [SageMakerStreamDecoder.Output] {
        guard !failed else { return [] }
        var outputs: [SageMakerStreamDecoder.Output] = []
        add(parser.finish(), to: &outputs)
        return outputs
    }

    /// Items up to and including the first error, which ends the stream.
    private mutating func add(_ items: [ParsedItem], to out: inout [SageMakerStreamDecoder.Output]) {
        for item in items {
            switch item {
            case .event(let event): out.append(.event(event))
            case .done: continue
            case .error(let error):
                failed = true
                out.append(.error(error))
                return
            }
        }
    }
}
