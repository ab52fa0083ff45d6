// `event` payloads are binary, not JSON like every other frame kind: one frame per streamed token, so the
// translator writing JSON and the shim parsing it again was per-token work in both processes. Layout (big-endian;
// `str` is a u32 byte length and that many UTF-8 bytes), documented in docs/protocol.md:
//
//     u8 type | 1 content, 2 reasoning: u32 choice, str text
//             | 3 tool: u32 choice, u32 index, u8 flags (bit 0 id, bit 1 name), [str id], [str name], str arguments
//             | 4 finish: u32 choice, str reason
//             | 5 usage: u32 prompt, u32 completion, u32 total
//             | 6 logprobs: u32 choice, str JSON (written by JSONWriter)

extension ModelEvent {
    private enum WireType: UInt8 {
        case content = 1
        case reasoning = 2
        case tool = 3
        case finish = 4
        case usage = 5
        case logprobs = 6
    }

    private enum ToolFlags {
        static let id: UInt8 = 1
        static let name: UInt8 = 2
        static let known: UInt8 = id | name
    }

    package func encodeWire(into out: inout [UInt8]) {
        switch self {
        case .content(let choice, let text): Self.appendToken(.content, choice, text, into: &out)
        case .reasoning(let choice, let text): Self.appendToken(.reasoning, choice, text, into: &out)
        case .toolCall(let choice, let delta):
            out.append(WireType.tool.rawValue)
            Self.appendU32(choice, into: &out)
            Self.appendU32(delta.index, into: &out)
            out.append((delta.id == nil ? 0 : ToolFlags.id) | (delta.name == nil ? 0 : ToolFlags.name))
            if let id = delta.id { Self.appendString(id, into: &out) }
            if let name = delta.name { Self.appendString(name, into: &out) }
            Self.appendString(delta.arguments, into: &out)
        case .finish(let choice, let reason):
            out.append(WireType.finish.rawValue)
            Self.appendU32(choice, into: &out)
            Self.appendString(reason, into: &out)
        case .usage(let usage):
            out.append(WireType.usage.rawValue)
            Self.appendU32(usage.promptTokens, into: &out)
            Self.appendU32(usage.completionTokens, into: &out)
            Self.appendU32(usage.totalTokens, into: &out)
        case .logprobs(let choice, let value):
            out.append(WireType.logprobs.rawValue)
            Self.appendU32(choice, into: &out)
            // The JSON's length is known only once written: write it straight after a placeholder and patch the
            // length in, rather than building a second array to measure.
            let lengthAt = out.count
            Self.appendU32(0, into: &out)
            JSONWriter.write(value, into: &out)
            let length = UInt32(clamping: out.count - lengthAt - 4)
            out[lengthAt] = UInt8(truncatingIfNeeded: length >> 24)
            out[lengthAt + 1] = UInt8(truncatingIfNeeded: length >> 16)
            out[lengthAt + 2] = UInt8(truncatingIfNeeded: length >> 8)
            out[lengthAt + 3] = UInt8(truncatingIfNeeded: length)
        }
    }

    /// The whole payload of an `event` frame, allocated once at its final size (except `logprobs`, whose JSON
    /// size is not known up front).
    func wireBytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(wireSizeHint)
        encodeWire(into: &out)
        return out
    }

    private var wireSizeHint: Int {
        switch self {
        case .content(_, let text), .reasoning(_, let text): return 9 + text.utf8.count
        case .toolCall(_, let delta):
            return 14 + (delta.id.map { 4 + $0.utf8.count } ?? 0) + (delta.name.map { 4 + $0.utf8.count } ?? 0)
                + delta.arguments.utf8.count
        case .finish(_, let reason): return 9 + reason.utf8.count
        case .usage: return 13
        case .logprobs: return 256
        }
    }

    /// A token (`content`, `reasoning`), nearly every event of a stream: its nine bytes before the text put together
    /// on the stack and appended at once, then the text. Field by field, each append paid its own uniqueness and
    /// capacity checks, several times what copying the bytes costs.
    private static func appendToken(_ type: WireType, _ choice: Int, _ text: String, into out: inout [UInt8]) {
        var text = text
        text.withUTF8 { utf8 in
            var fields: (UInt64, UInt64) = (0, 0)
            withUnsafeMutableBytes(of: &fields) { raw in
                raw[0] = type.rawValue
                raw.storeBytes(of: UInt32(clamping: choice).bigEndian, toByteOffset: 1, as: UInt32.self)
                raw.storeBytes(of: UInt32(clamping: utf8.count).bigEndian, toByteOffset: 5, as: UInt32.self)
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[..<9]))
            }
            out.append(contentsOf: utf8)
        }
    }

    private static func appendU32(_ value: Int, into out: inout [UInt8]) {
        withUnsafeBytes(of: UInt32(clamping: value).bigEndian) { out.append(contentsOf: $0) }
    }

    private static func appendString(_ string: String, into out: inout [UInt8]) {
        var string = string
        string.withUTF8 { utf8 in
            withUnsafeBytes(of: UInt32(clamping: utf8.count).bigEndian) { out.append(contentsOf: $0) }
            out.append(contentsOf: utf8)
        }
    }

    package init(wire: [UInt8]) throws(FrameError) {
        let result: Result<ModelEvent, FrameError> = wire.withUnsafeBytes { bytes in
            do throws(FrameError) {
                return .success(try ModelEvent(wire: bytes))
            } catch {
                return .failure(error)
            }
        }
        self = try result.get()
    }

    package init(wire bytes: UnsafeRawBufferPointer) throws(FrameError) {
        var cursor = WireCursor(bytes)
        let rawType = try cursor.u8("type")
        guard let type = WireType(rawValue: rawType) else {
            throw FrameError.invalidPayload("unknown event type \(rawType)")
        }
        switch type {
        case .content:
            self = .content(choice: try cursor.int("choice"), text: try cursor.string("text"))
        case .reasoning:
            self = .reasoning(choice: try cursor.int("choice"), text: try cursor.string("text"))
        case .tool:
            let choice = try cursor.int("choice")
            let index = try cursor.int("index")
            let flags = try cursor.u8("flags")
            guard flags & ~ToolFlags.known == 0 else {
                throw FrameError.invalidPayload("unknown tool call flags \(flags)")
            }
            let id: String? = if flags & ToolFlags.id == 0 { nil } else { try cursor.string("id") }
            let name: String? = if flags & ToolFlags.name == 0 { nil } else { try cursor.string("name") }
            let arguments = try cursor.string("arguments")
            self = .toolCall(choice: choice, ToolCallDelta(index: index, id: id, name: name, arguments: arguments))
        case .finish:
            self = .finish(choice: try cursor.int("choice"), reason: try cursor.string("reason"))
        case .usage:
            let prompt = try cursor.int("prompt")
            let completion = try cursor.int("completion")
            self = .usage(
                Usage(promptTokens: prompt, completionTokens: completion, totalTokens: try cursor.int("total")))
        case .logprobs:
            let choice = try cursor.int("choice")
            let json = try cursor.field("logprobs")
            do {
                self = .logprobs(choice: choice, try JSONParser.parse(Array(json)))
            } catch {
                throw FrameError.invalidPayload("event logprobs are not JSON: \(error)")
            }
        }
        guard cursor.index == bytes.count else {
            throw FrameError.invalidPayload(
                "\(bytes.count - cursor.index) bytes after the event at byte \(cursor.index)")
        }
    }
}

extension FrameDecoder {
    /// The message of a frame from `decodeHeader`. Events (nearly every frame) are decoded straight from the
    /// buffer; the rest through `Frame`, as `TranslatorMessage(frame:)` reads them.
    package func message(_ header: Header) throws(FrameError) -> TranslatorMessage {
        guard header.kind == .event else {
            let frame = Frame(kind: header.kind, stream: header.stream, payload: Array(buffer[header.payload]))
            return try TranslatorMessage(frame: frame)
        }
        let event: Result<ModelEvent, FrameError> = buffer.withUnsafeBytes { bytes in
            do throws(FrameError) {
                return .success(try ModelEvent(wire: UnsafeRawBufferPointer(rebasing: bytes[header.payload])))
            } catch {
                return .failure(error)
            }
        }
        return .event(try event.get())
    }
}

/// Reads `event` fields front to back; every read checks the bytes left first, so no input can read past the end.
private struct WireCursor {
    let bytes: UnsafeRawBufferPointer
    var index = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    private func truncated(_ field: StaticString) -> FrameError {
        FrameError.invalidPayload("event truncated in \(field) at byte \(index)")
    }

    mutating func u8(_ field: StaticString) throws(FrameError) -> UInt8 {
        guard index < bytes.count else { throw truncated(field) }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func u32(_ field: StaticString) throws(FrameError) -> UInt32 {
        guard bytes.count - index >= 4 else { throw truncated(field) }
        defer { index += 4 }
        return UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt32.self))
    }

    mutating func int(_ field: StaticString) throws(FrameError) -> Int { Int(try u32(field)) }

    /// A length-prefixed field's bytes.
    mutating func field(_ field: StaticString) throws(FrameError) -> UnsafeRawBufferPointer {
        let length = Int(try u32(field))
        guard bytes.count - index >= length else {
            throw FrameError.invalidPayload("event \(field) of \(length) bytes runs past the end at byte \(index)")
        }
        defer { index += length }
        return UnsafeRawBufferPointer(rebasing: bytes[index..<(index + length)])
    }

    mutating func string(_ field: StaticString) throws(FrameError) -> String {
        let start = index
        let raw = try self.field(field)
        guard !raw.isEmpty else { return "" }
        // As JSONParser does: ASCII (nearly every token) needs no validation, so `String(decoding:)` copies it
        // straight in; anything else goes through the validating initializer on a typed buffer, never a slice.
        let text = raw.withMemoryRebound(to: UInt8.self) { utf8 -> String? in
            Self.isASCII(raw) ? String(decoding: utf8, as: UTF8.self) : String(validating: utf8, as: UTF8.self)
        }
        guard let text else { throw FrameError.invalidPayload("event \(field) at byte \(start) is not UTF-8") }
        return text
    }

    /// Eight bytes at a time: a token is a few bytes, but a whole non-streamed answer can be kilobytes.
    private static func isASCII(_ raw: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        var high: UInt64 = 0
        while raw.count - i >= 8 {
            high |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            i += 8
        }
        while i < raw.count {
            high |= UInt64(raw[i])
            i += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }
}
