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

    /// What `Output` is made from: an object's bytes not yet parsed, so a format that can read its common
    /// objects straight from the bytes (`OpenAIStreamParser`) skips building a `JSONValue` for them.
    package enum Frame: Equatable, Sendable {
        /// One object's bytes; `decode` turns them into `.object` or `.error` the generic way.
        case payload(ArraySlice<UInt8>)
        case done
        case error(GatewayError)
    }

    private var lines = LineSplitter()
    package private(set) var framing: Framing?
    /// The `data:` lines of the SSE event being read, joined with `\n` as they arrive.
    private var data: [UInt8] = []
    /// The event's data while it is a single `data:` line, still in the line splitter's buffer: the usual event
    /// (one line, and its blank line in the same append) reaches `body` without being copied into `data`. It
    /// moves into `data` when a second line joins it, or before the next append, which would otherwise copy the
    /// whole splitter buffer it shares.
    private var dataLine: ArraySlice<UInt8>?
    private var pendingData = false
    private var stopped = false
    /// How much of an offending line an error message quotes: enough to recognise, never a whole document.
    private static let previewLength = 80

    /// A container line that never ends must not grow memory without bound.
    package static let maxLineBytes = 16 << 20

    package init() {}

    package mutating func append(_ bytes: [UInt8]) -> [Output] {
        append(bytes[...])
    }

    package mutating func append(_ bytes: ArraySlice<UInt8>) -> [Output] {
        var outputs: [Output] = []
        appendFrames(bytes) { outputs.append(Self.output($0)) }
        return outputs
    }

    /// End of input: the last unterminated line and an SSE event without its closing blank line are
    /// still delivered, because containers that omit the final newline are common.
    package mutating func finish() -> [Output] {
        var outputs: [Output] = []
        finishFrames { outputs.append(Self.output($0)) }
        return outputs
    }

    /// `append`, handing each frame to `body` as it completes: no array of frames per call, and a payload
    /// that `body` does not keep is the framer's own buffer, not a copy.
    package mutating func appendFrames(_ bytes: ArraySlice<UInt8>, _ body: (Frame) -> Void) {
        guard !stopped else { return }
        lines.append(bytes)
        while let line = lines.nextLineSlice() {
            process(line, body)
        }
        if let line = dataLine {
            data += line
            dataLine = nil
        }
        if lines.bufferedByteCount > Self.maxLineBytes {
            stopped = true
            body(
                .error(
                    GatewayError(
                        .upstreamFailure,
                        "The model's output has a line over \(Self.maxLineBytes) bytes; the stream was abandoned.")))
        }
    }

    package mutating func finishFrames(_ body: (Frame) -> Void) {
        if let line = lines.finish() { process(line[...], body) }
        if framing == .serverSentEvents { dispatch(body) }
    }

    /// `text` quoted whole when short, otherwise its length and first characters.
    package static func describe(_ text: String) -> String {
        let count = text.utf8.count
        guard count > previewLength else { return "\"\(text)\"" }
        return "a \(count)-byte line starting \"\(text.prefix(previewLength))…\""
    }

    /// Complete lines only reach this point, so a multi-byte character is never split. Lines stay bytes until
    /// the JSON parser reads them: turning each into a `String` and back cost more than parsing it.
    private mutating func process(_ line: ArraySlice<UInt8>, _ body: (Frame) -> Void) {
        guard !stopped else { return }
        if framing == nil {
            guard !line.allSatisfy(Self.isSpace) else { return }
            framing = line.first == UInt8(ascii: "{") ? .jsonLines : .serverSentEvents
        }
        switch framing {
        case .jsonLines?:
            let trimmed = Self.trimmed(line)
            guard !trimmed.isEmpty else { return }
            body(.payload(trimmed))
        case .serverSentEvents?, nil:
            if line.isEmpty { return dispatch(body) }
            if line.first == UInt8(ascii: ":") { return }
            let field: ArraySlice<UInt8>
            var value: ArraySlice<UInt8>
            if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
                field = line[..<colon]
                value = line[(colon + 1)...]
                if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
            } else {
                field = line
                value = []
            }
            if Self.equals(field, "data") {
                if !pendingData {
                    dataLine = value
                } else {
                    if let line = dataLine {
                        data += line
                        dataLine = nil
                    }
                    data.append(0x0A)
                    data += value
                }
                pendingData = true
            }
        }
    }

    private mutating func dispatch(_ body: (Frame) -> Void) {
        guard pendingData else { return }
        pendingData = false
        if let line = dataLine {
            dataLine = nil
            return deliver(line, body)
        }
        // The buffer is lent to `body` and then emptied in place (a payload kept by `body` is copied first).
        defer { data.removeAll(keepingCapacity: true) }
        deliver(data[...], body)
    }

    private mutating func deliver(_ payload: ArraySlice<UInt8>, _ body: (Frame) -> Void) {
        let trimmed = Self.trimmed(payload)
        if Self.equals(trimmed, "[DONE]") {
            stopped = true
            return body(.done)
        }
        if trimmed.isEmpty { return }
        body(.payload(payload))
    }

    /// `elementsEqual` against a `String.UTF8View` went through generic iteration on every line.
    private static func equals(_ bytes: ArraySlice<UInt8>, _ literal: StaticString) -> Bool {
        guard bytes.count == literal.utf8CodeUnitCount else { return false }
        return literal.withUTF8Buffer { expected in
            zip(bytes, expected).allSatisfy { $0 == $1 }
        }
    }

    private static func output(_ frame: Frame) -> Output {
        switch frame {
        case .payload(let bytes): return decode(Array(bytes))
        case .done: return .done
        case .error(let error): return .error(error)
        }
    }

    /// A payload's bytes as a JSON object, or the error a client sees for them.
    package static func decode(_ bytes: [UInt8]) -> Output {
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            // Invalid UTF-8 is read as U+FFFD, as decoding the line as text always did; only what is still not
            // JSON after that is an error.
            let text = String(decoding: bytes, as: UTF8.self)
            do {
                json = try JSONParser.parse(text)
            } catch {
                return .error(
                    GatewayError(
                        .upstreamFailure,
                        "The model container sent \(Self.describe(text)), which is not JSON (\(error))."
                    ))
            }
        }
        guard case .object = json else {
            let text = String(decoding: bytes, as: UTF8.self)
            return .error(
                GatewayError(
                    .upstreamFailure, "The model container sent \(Self.describe(text)), which is not a JSON object."))
        }
        return .object(json)
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) })
        else { return [] }
        return bytes[first...last]
    }
}
