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
    /// The `data:` lines of the SSE event being read, joined with `\n` as they arrive (while `pendingData`).
    private var data: [UInt8] = []
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
        while let line = lines.nextLineSlice() {
            process(line, into: &outputs)
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
        if let line = lines.finish() { process(line[...], into: &outputs) }
        if framing == .serverSentEvents { dispatch(into: &outputs) }
        return outputs
    }

    /// `text` quoted whole when short, otherwise its length and first characters.
    package static func describe(_ text: String) -> String {
        let count = text.utf8.count
        guard count > previewLength else { return "\"\(text)\"" }
        return "a \(count)-byte line starting \"\(text.prefix(previewLength))…\""
    }

    /// Complete lines only reach this point, so a multi-byte character is never split. Lines stay bytes until
    /// the JSON parser reads them: turning each into a `String` and back cost more than parsing it.
    private mutating func process(_ line: ArraySlice<UInt8>, into outputs: inout [Output]) {
        guard !stopped else { return }
        if framing == nil {
            guard !line.allSatisfy(Self.isSpace) else { return }
            framing = line.first == UInt8(ascii: "{") ? .jsonLines : .serverSentEvents
        }
        switch framing {
        case .jsonLines?:
            let trimmed = Self.trimmed(line)
            guard !trimmed.isEmpty else { return }
            outputs.append(decode(Array(trimmed)))
        case .serverSentEvents?, nil:
            if line.isEmpty { return dispatch(into: &outputs) }
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
                if pendingData {
                    data.append(0x0A)
                    data += value
                } else {
                    // The first line of an event replaces the last event's bytes, reusing the array's capacity.
                    data.replaceSubrange(0..<data.count, with: value)
                }
                pendingData = true
            }
        }
    }

    private mutating func dispatch(into outputs: inout [Output]) {
        guard pendingData else { return }
        pendingData = false
        // `data` is parsed in place; the next event's first line overwrites it.
        let trimmed = Self.trimmed(data[...])
        if Self.equals(trimmed, "[DONE]") {
            stopped = true
            outputs.append(.done)
            return
        }
        if trimmed.isEmpty { return }
        outputs.append(decode(data))
    }

    /// Byte comparison with an ASCII literal, without going through `String.UTF8View`.
    private static func equals(_ bytes: ArraySlice<UInt8>, _ literal: StaticString) -> Bool {
        literal.withUTF8Buffer { expected in
            guard bytes.count == expected.count else { return false }
            var index = bytes.startIndex
            for byte in expected {
                guard bytes[index] == byte else { return false }
                index += 1
            }
            return true
        }
    }

    private func decode(_ bytes: [UInt8]) -> Output {
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
