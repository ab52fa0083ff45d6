import GatewayWire

/// Splits a container's streamed bytes into the JSON objects it sent, single-step: feed bytes as they
/// arrive, get an output for every object completed so far. Shared by every format's stream parser, so
/// framing, the line cap and error previews are decided once.
///
/// Framing is detected from the first non-empty line: a line starting with `{` means JSON lines (LMI's
/// `application/jsonlines`, one object per line, no `[DONE]`); anything else is SSE (vLLM, SGLang, TGI):
/// `data:` fields joined with `\n` until a blank line, comments (`:`) and other fields ignored, per
/// https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
package struct StreamFramer {
    package enum Framing: Equatable, Sendable {
        case serverSentEvents
        case jsonLines
    }

    package enum Output: Equatable, Sendable {
        /// One JSON object, parsed.
        case object(JSONValue)
        /// `data: [DONE]`; nothing is framed after it.
        case done
        /// Bytes that are not a JSON object; the stream goes on unless the line cap was hit.
        case error(GatewayError)
    }

    private var lines = LineSplitter()
    package private(set) var framing: Framing?
    /// The `data:` lines of the SSE event being read.
    private var data: [String] = []
    private var pendingData = false
    private var stopped = false
    /// How much of an offending line an error message quotes: enough to recognise, never a whole document.
    private static let previewLength = 80

    /// A container line that never ends must not grow memory without bound.
    package static let maxLineBytes = 16 << 20

    package init() {}

    package mutating func append(_ bytes: [UInt8]) -> [Output] {
        guard !stopped else { return [] }
        lines.append(bytes)
        var outputs: [Output] = []
        while let line = lines.nextLine() {
            outputs += process(line)
        }
        if lines.bufferedByteCount > Self.maxLineBytes {
            stopped = true
            outputs.append(
                .error(
                    GatewayError(
                        .upstreamFailure,
                        "The model's output has a line over \(Self.maxLineBytes) bytes; the stream was abandoned.")))
        }
        return outputs
    }

    /// End of input: the last unterminated line and an SSE event without its closing blank line are
    /// still delivered, because containers that omit the final newline are common.
    package mutating func finish() -> [Output] {
        var outputs: [Output] = []
        if let line = lines.finish() { outputs += process(line) }
        if framing == .serverSentEvents { outputs += dispatch() }
        return outputs
    }

    /// `text` quoted whole when short, otherwise its length and first characters.
    package static func describe(_ text: String) -> String {
        let count = text.utf8.count
        guard count > previewLength else { return "\"\(text)\"" }
        return "a \(count)-byte line starting \"\(text.prefix(previewLength))…\""
    }

    /// Complete lines only reach this point, so a multi-byte character is never decoded in halves.
    private mutating func process(_ bytes: [UInt8]) -> [Output] {
        guard !stopped else { return [] }
        let line = String(decoding: bytes, as: UTF8.self)
        if framing == nil {
            guard !line.allSatisfy({ $0 == " " || $0 == "\t" }) else { return [] }
            framing = line.first == "{" ? .jsonLines : .serverSentEvents
        }
        switch framing {
        case .jsonLines?:
            let trimmed = line.trimmingSpaces()
            guard !trimmed.isEmpty else { return [] }
            return [decode(String(trimmed))]
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

    private mutating func dispatch() -> [Output] {
        guard pendingData else { return [] }
        let payload = data.joined(separator: "\n")
        data.removeAll(keepingCapacity: true)
        pendingData = false
        if payload.trimmingSpaces() == "[DONE]" {
            stopped = true
            return [.done]
        }
        if payload.trimmingSpaces().isEmpty { return [] }
        return [decode(payload)]
    }

    private func decode(_ text: String) -> Output {
        let json: JSONValue
        do {
            json = try JSONParser.parse(text)
        } catch {
            return .error(
                GatewayError(
                    .upstreamFailure, "The model container sent \(Self.describe(text)), which is not JSON (\(error))."))
        }
        guard case .object = json else {
            return .error(
                GatewayError(
                    .upstreamFailure, "The model container sent \(Self.describe(text)), which is not a JSON object."))
        }
        return .object(json)
    }
}

extension String {
    /// Spaces and tabs off a line without copying it (the shared `trimmed(of:)` returns a new String):
    /// this runs on every line of every streamed answer.
    func trimmingSpaces() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return self[start...end]
    }
}
