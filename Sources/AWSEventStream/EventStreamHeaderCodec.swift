#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads and writes the headers section: repeated `name_len u8, name, type u8, value`.
/// https://docs.aws.amazon.com/transcribe/latest/dg/streaming-setting-up.html#streaming-event-stream
enum EventStreamHeaderCodec {
    // MARK: Reading

    /// Parses a complete headers section; anything that overruns it or is not UTF-8 where text is required fails.
    static func parse(_ bytes: UnsafeRawBufferPointer) throws(EventStreamError) -> [EventStreamHeader] {
        var headers: [EventStreamHeader] = []
        // Typical headers take 20-40 bytes; one allocation instead of growing 1, 2, 4.
        headers.reserveCapacity(min(16, (bytes.count + 15) / 16))
        var reader = Reader(bytes: bytes)
        while !reader.isAtEnd {
            let nameLength = Int(try reader.uint8())
            guard let name = try reader.utf8(count: nameLength) else {
                throw .invalidHeader("header name is not valid UTF-8")
            }
            let typeCode = try reader.uint8()
            guard let type = EventStreamHeaderType(rawValue: typeCode) else {
                throw .invalidHeader("header \"\(name)\" has unknown value type \(typeCode)")
            }
            let value: EventStreamHeaderValue
            switch type {
            case .boolTrue: value = .bool(true)
            case .boolFalse: value = .bool(false)
            case .byte: value = .byte(Int8(bitPattern: try reader.uint8()))
            case .int16: value = .int16(Int16(bitPattern: try reader.bigEndian(UInt16.self)))
            case .int32: value = .int32(Int32(bitPattern: try reader.bigEndian(UInt32.self)))
            case .int64: value = .int64(Int64(bitPattern: try reader.bigEndian(UInt64.self)))
            case .byteArray: value = .byteArray(try reader.bytes(count: Int(try reader.bigEndian(UInt16.self))))
            case .string:
                let length = Int(try reader.bigEndian(UInt16.self))
                guard let string = try reader.utf8(count: length) else {
                    throw .invalidHeader("string value of header \"\(name)\" is not valid UTF-8")
                }
                value = .string(string)
            case .timestamp: value = .timestamp(Int64(bitPattern: try reader.bigEndian(UInt64.self)))
            case .uuid: value = .uuid(try reader.bytes(count: 16))
            }
            headers.append(EventStreamHeader(name: name, value: value))
        }
        return headers
    }

    /// Where the values of `:message-type` and `:event-type` are in a headers section (`nil`: no such header, or
    /// its first occurrence is not a string), which decide what every AWS message is.
    struct TypeHeaders {
        var messageType: Range<Int>?
        var eventType: Range<Int>?
    }

    /// Checks a headers section exactly as ``parse(_:)`` does and finds its ``TypeHeaders``, in one pass and building
    /// nothing when it is all ASCII (as the headers AWS sends are); anything else goes through `parse` itself, so
    /// the verdict and the error are always its own.
    static func validate(_ bytes: UnsafeRawBufferPointer) throws(EventStreamError) -> TypeHeaders {
        let messageType: StaticString = ":message-type"
        let eventType: StaticString = ":event-type"
        let found = messageType.withUTF8Buffer { messageType in
            eventType.withUTF8Buffer { eventType in
                scanASCII(
                    bytes, messageType: UnsafeRawBufferPointer(messageType),
                    eventType: UnsafeRawBufferPointer(eventType))
            }
        }
        if let found { return found }
        _ = try parse(bytes)
        return messageType.withUTF8Buffer { messageType in
            eventType.withUTF8Buffer { eventType in
                TypeHeaders(
                    messageType: firstStringValue(named: UnsafeRawBufferPointer(messageType), in: bytes),
                    eventType: firstStringValue(named: UnsafeRawBufferPointer(eventType), in: bytes))
            }
        }
    }

    /// The ``TypeHeaders`` of a section whose headers are all complete, of known types, with ASCII names and string
    /// values (so `parse` cannot fail on it); `nil` for any other section.
    private static func scanASCII(
        _ bytes: UnsafeRawBufferPointer, messageType: UnsafeRawBufferPointer, eventType: UnsafeRawBufferPointer
    ) -> TypeHeaders? {
        var found = TypeHeaders()
        var seenMessageType = false
        var seenEventType = false
        // When every byte of the section is below 0x80 (string headers with short lengths, as AWS sends them), so
        // is every name and string value, and one pass over the section replaces a check per field.
        let allASCII = isASCII(bytes, from: 0, count: bytes.count)
        // Offsets stay within the section (at most `maxHeaderBytes`), so wrapping arithmetic only drops overflow checks.
        var offset = 0
        while offset < bytes.count {
            let nameLength = Int(bytes[offset])
            offset &+= 1
            guard bytes.count &- offset > nameLength, allASCII || isASCII(bytes, from: offset, count: nameLength) else {
                return nil
            }
            let nameStart = offset
            offset &+= nameLength
            let type = bytes[offset]
            offset &+= 1
            guard let value = valueRange(type: type, in: bytes, at: offset) else { return nil }
            let isString = type == EventStreamHeaderType.string.rawValue
            if isString, !allASCII, !isASCII(bytes, from: value.lowerBound, count: value.count) { return nil }
            if !seenMessageType, nameLength == messageType.count, equal(bytes, at: nameStart, messageType) {
                seenMessageType = true
                found.messageType = isString ? value : nil
            } else if !seenEventType, nameLength == eventType.count, equal(bytes, at: nameStart, eventType) {
                seenEventType = true
                found.eventType = isString ? value : nil
            }
            offset = value.upperBound
        }
        return found
    }

    /// The value bytes of a header of wire type `type` starting at `offset` (after its length prefix, if it has
    /// one), or `nil` if the type is unknown or the value overruns the section. The raw codes are
    /// ``EventStreamHeaderType``'s; matching them directly keeps this loop free of optionals.
    @inline(__always)
    private static func valueRange(type: UInt8, in bytes: UnsafeRawBufferPointer, at offset: Int) -> Range<Int>? {
        var start = offset
        let size: Int
        switch type {
        case 0, 1: size = 0  // bool true, bool false
        case 2: size = 1  // byte
        case 3: size = 2  // int16
        case 4: size = 4  // int32
        case 5, 8: size = 8  // int64, timestamp
        case 9: size = 16  // uuid
        case 6, 7:  // byte array, string
            guard bytes.count &- offset >= 2 else { return nil }
            size = Int(bytes[offset]) << 8 | Int(bytes[offset &+ 1])
            start &+= 2
        default: return nil
        }
        guard bytes.count &- start >= size else { return nil }
        return start..<start &+ size
    }

    private static func isASCII(_ bytes: UnsafeRawBufferPointer, from offset: Int, count: Int) -> Bool {
        // Eight bytes per step, high bits gathered and tested once: this runs on every streamed message. Offsets
        // are within the section (the callers checked), so wrapping arithmetic only drops overflow checks.
        var bits: UInt64 = 0
        var index = offset
        let end = offset &+ count
        while end &- index >= 8 {
            bits |= bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index &+= 8
        }
        if index < end {
            if count >= 8 {
                bits |= bytes.loadUnaligned(fromByteOffset: end &- 8, as: UInt64.self)
            } else {
                while index < end {
                    bits |= UInt64(bytes[index])
                    index &+= 1
                }
            }
        }
        return bits & 0x8080_8080_8080_8080 == 0
    }

    /// The value of the first header called `name` in a section ``validate(_:)`` accepted, if that header is a
    /// string (like ``EventStreamMessage/stringHeader(_:)``, a first header of another type means `nil`).
    static func firstStringValue(named name: UnsafeRawBufferPointer, in bytes: UnsafeRawBufferPointer) -> Range<Int>? {
        var offset = 0
        while offset < bytes.count {
            let nameLength = Int(bytes[offset])
            offset += 1
            guard bytes.count - offset > nameLength else { return nil }
            let matches = nameLength == name.count && equal(bytes, at: offset, name)
            offset += nameLength
            let type = bytes[offset]
            guard let value = valueRange(type: type, in: bytes, at: offset + 1) else { return nil }
            if matches {
                return type == EventStreamHeaderType.string.rawValue ? value : nil
            }
            offset = value.upperBound
        }
        return nil
    }

    /// Whether `bytes` holds `other` at `offset`; the caller has checked that it fits. Header names and the values
    /// looked up are 8-16 bytes, which two overlapping 8-byte loads compare without a call.
    @inline(__always)
    static func equal(_ bytes: UnsafeRawBufferPointer, at offset: Int, _ other: UnsafeRawBufferPointer) -> Bool {
        let count = other.count
        if count >= 8 && count <= 16 {
            let tail = count - 8
            return bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                == other.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
                && bytes.loadUnaligned(fromByteOffset: offset + tail, as: UInt64.self)
                    == other.loadUnaligned(fromByteOffset: tail, as: UInt64.self)
        }
        guard let base = bytes.baseAddress, let otherBase = other.baseAddress else { return count == 0 }
        return memcmp(base + offset, otherBase, count) == 0
    }

    /// A bounds-checked cursor: any read past the end of the section is an
    /// ``EventStreamError/invalidHeader(_:)``.
    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var offset = 0

        var isAtEnd: Bool { offset >= bytes.count }

        mutating func uint8() throws(EventStreamError) -> UInt8 {
            guard offset < bytes.count else { throw .invalidHeader("headers section ends inside a header") }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func bigEndian<T: FixedWidthInteger>(_: T.Type) throws(EventStreamError) -> T {
            let size = MemoryLayout<T>.size
            guard bytes.count - offset >= size else { throw .invalidHeader("headers section ends inside a header") }
            defer { offset += size }
            return T(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        }

        mutating func slice(count: Int) throws(EventStreamError) -> UnsafeRawBufferPointer {
            guard bytes.count - offset >= count else { throw .invalidHeader("headers section ends inside a header") }
            defer { offset += count }
            return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count])
        }

        mutating func bytes(count: Int) throws(EventStreamError) -> [UInt8] {
            [UInt8](try slice(count: count))
        }

        /// The next `count` bytes as a string, or `nil` if they are not valid UTF-8.
        mutating func utf8(count: Int) throws(EventStreamError) -> String? {
            let units = try slice(count: count).assumingMemoryBound(to: UInt8.self)
            // `String(decoding:)` is the stdlib's fast path, but it repairs bad input with U+FFFD instead of
            // rejecting it (`String(validating:)` rejects, but is several times slower here). Headers are
            // nearly always ASCII, which needs no check; otherwise valid input is exactly the bytes that survive.
            var string = String(decoding: units, as: UTF8.self)
            if units.allSatisfy({ $0 < 0x80 }) {
                return string
            }
            return string.withUTF8 { $0.elementsEqual(units) } ? string : nil
        }
    }

    // MARK: Writing

    /// The encoded size of `header`, so the encoder can write the prelude and reserve capacity up front.
    static func encodedByteCount(of header: EventStreamHeader) -> Int {
        let valueBytes: Int
        switch header.value {
        case .bool: valueBytes = 0
        case .byte: valueBytes = 1
        case .int16: valueBytes = 2
        case .int32: valueBytes = 4
        case .int64, .timestamp: valueBytes = 8
        case .byteArray(let bytes): valueBytes = 2 + bytes.count
        case .string(let string): valueBytes = 2 + string.utf8.count
        case .uuid: valueBytes = 16
        }
        return 1 + header.name.utf8.count + 1 + valueBytes
    }

    /// Appends `header`. Out-of-range sizes are programming errors of the sender (this encoder serves the emulator
    /// and tests), so they trap rather than produce a frame no peer can read.
    static func write(_ header: EventStreamHeader, into out: inout [UInt8]) {
        let name = header.name.utf8
        precondition(name.count <= Int(UInt8.max), "event-stream header name longer than 255 bytes: \(header.name)")
        out.append(UInt8(name.count))
        out.append(contentsOf: name)
        switch header.value {
        case .bool(let value):
            out.append((value ? EventStreamHeaderType.boolTrue : .boolFalse).rawValue)
        case .byte(let value):
            out.append(EventStreamHeaderType.byte.rawValue)
            out.append(UInt8(bitPattern: value))
        case .int16(let value):
            out.append(EventStreamHeaderType.int16.rawValue)
            appendBigEndian(value, to: &out)
        case .int32(let value):
            out.append(EventStreamHeaderType.int32.rawValue)
            appendBigEndian(value, to: &out)
        case .int64(let value):
            out.append(EventStreamHeaderType.int64.rawValue)
            appendBigEndian(value, to: &out)
        case .byteArray(let bytes):
            precondition(bytes.count <= Int(UInt16.max), "event-stream byte array header longer than 65535 bytes")
            out.append(EventStreamHeaderType.byteArray.rawValue)
            appendBigEndian(UInt16(bytes.count), to: &out)
            out.append(contentsOf: bytes)
        case .string(let string):
            let utf8 = string.utf8
            precondition(utf8.count <= Int(UInt16.max), "event-stream string header longer than 65535 bytes")
            out.append(EventStreamHeaderType.string.rawValue)
            appendBigEndian(UInt16(utf8.count), to: &out)
            out.append(contentsOf: utf8)
        case .timestamp(let milliseconds):
            out.append(EventStreamHeaderType.timestamp.rawValue)
            appendBigEndian(milliseconds, to: &out)
        case .uuid(let bytes):
            precondition(bytes.count == 16, "event-stream uuid header must be 16 bytes, got \(bytes.count)")
            out.append(EventStreamHeaderType.uuid.rawValue)
            out.append(contentsOf: bytes)
        }
    }

    static func appendBigEndian<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { out.append(contentsOf: $0) }
    }
}
