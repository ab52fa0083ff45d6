import GatewayWire

/// Parses an `openai`-format container's streamed output into `ParsedItem`s, single-step: feed bytes as
/// they arrive, get items for every line completed so far.
///
/// Framing is detected from the first non-empty line: a line starting with `{` means JSON lines (LMI's
/// `application/jsonlines`, one object per line, no `[DONE]`); anything else is SSE (vLLM, SGLang, TGI's
/// Messages API): `data:` fields joined with `\n` until a blank line, comments (`:`) and other fields
/// ignored, per https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
package struct OpenAIStreamParser {
    package enum Framing: Equatable, Sendable {
        case serverSentEvents
        case jsonLines
    }

    private var lines = LineSplitter()
    package private(set) var framing: Framing?
    /// The `data:` lines of the SSE event being read.
    private var data: [String] = []
    private var pendingData = false
    private var sawDone = false
    /// How much of an offending line an error message quotes: enough to recognise, never a whole document.
    private static let previewLength = 80

    /// A container line that never ends must not grow memory without bound.
    package static let maxLineBytes = 16 << 20

    package init() {}

    package mutating func append(_ bytes: [UInt8]) -> [ParsedItem] {
        guard !sawDone else { return [] }
        lines.append(bytes)
        var items: [ParsedItem] = []
        while let line = lines.nextLine() {
            items += process(line)
        }
        if lines.bufferedByteCount > Self.maxLineBytes {
            sawDone = true
            items.append(
                .error(
                    GatewayError(
                        .upstreamFailure,
                        "The model's output has a line over \(Self.maxLineBytes) bytes; the stream was abandoned.")))
        }
        return items
    }

    /// End of input: the last unterminated line and an SSE event without its closing blank line are
    /// still delivered, because containers that omit the final newline are common.
    package mutating func finish() -> [ParsedItem] {
        var items: [ParsedItem] = []
        if let line = lines.finish() { items += process(line) }
        if framing == .serverSentEvents { items += dispatch() }
        return items
    }

    private mutating func process(_ bytes: [UInt8]) -> [ParsedItem] {
        guard !sawDone else { return [] }
        let line = String(decoding: bytes, as: UTF8.self)
        if framing == nil {
            guard !line.allSatisfy({ $0 == " " || $0 == "\t" }) else { return [] }
            framing = line.first == "{" ? .jsonLines : .serverSentEvents
        }
        switch framing {
        case .jsonLines?:
            let trimmed = line.trimmingSpaces()
            guard !trimmed.isEmpty else { return [] }
            return decode(String(trimmed))
        case .serverSentEvents?, nil:
            if line.isEmpty { return dispatch() }
            if line.first == ":" { return [] }
            let field: Substring
            var value: Substring
            if let colon = line.firstIndex(of: ":") {
                field = line[..<colon]
                value = line[line.index(after: colon)...]
                if value.first == " " { value = value.dropFirst() }
            } else {
                field = Substring(line)
                value = ""
            }
            if field == "data" {
                data.append(String(value))
                pendingData = true
            }
            return []
        }
    }

    private mutating func dispatch() -> [ParsedItem] {
        guard pendingData else { return [] }
        let payload = data.joined(separator: "\n")
        data.removeAll(keepingCapacity: true)
        pendingData = false
        if payload.trimmingSpaces() == "[DONE]" {
            sawDone = true
            return [.done]
        }
        if payload.trimmingSpaces().isEmpty { return [] }
        return decode(payload)
    }

    private func decode(_ text: String) -> [ParsedItem] {
        let json: JSONValue
        do {
            json = try JSONParser.parse(text)
        } catch {
            return [
                .error(
                    GatewayError(
                        .upstreamFailure,
                        "The model container sent \(Self.describe(text)), which is not JSON (\(error))."))
            ]
        }
        guard case .object = json else {
            return [
                .error(
                    GatewayError(
                        .upstreamFailure, "The model container sent \(Self.describe(text)), which is not a JSON object."
                    ))
            ]
        }
        if let message = OpenAIChunkDecoder.errorMessage(in: json) {
            return [.error(GatewayError(.modelStreamError, message))]
        }
        if let tokenEvents = OpenAIChunkDecoder.tokenEvents(in: json) {
            return tokenEvents.map(ParsedItem.event)
        }
        return OpenAIChunkDecoder.events(in: json, payloadKey: "delta").map(ParsedItem.event)
    }

    private static func describe(_ text: String) -> String {
        let count = text.utf8.count
        guard count > previewLength else { return "\"\(text)\"" }
        return "a \(count)-byte line starting \"\(text.prefix(previewLength))…\""
    }
}

extension String {
    func trimmingSpaces() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return self[start...end]
    }
}
