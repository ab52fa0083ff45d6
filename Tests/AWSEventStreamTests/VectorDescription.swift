import AWSEventStream

/// The JSON shape the reference script speaks: every value as text so the two sides share no code.
struct VectorFile: Codable {
    var vectors: [VectorDescription]
}

struct VectorDescription: Codable {
    var name: String
    /// The whole frame, hex.
    var hex: String
    var headers: [HeaderDescription]
    /// Hex.
    var payload: String

    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    init(name: String, frame: [UInt8], message: EventStreamMessage) {
        self.name = name
        self.hex = Hex.encode(frame)
        self.headers = message.headers.map(HeaderDescription.init)
        self.payload = Hex.encode(message.payload)
    }

    func frame() throws -> [UInt8] { try Hex.decode(hex) }

    func message() throws -> EventStreamMessage {
        EventStreamMessage(headers: try headers.map { try $0.header() }, payload: try Hex.decode(payload))
    }
}

struct HeaderDescription: Codable {
    /// bool, byte, short, integer, long, bytes, string, timestamp, uuid
    var type: String
    var name: String
    var value: String

    init(_ header: EventStreamHeader) {
        name = header.name
        switch header.value {
        case .bool(let value): (type, self.value) = ("bool", value ? "true" : "false")
        case .byte(let value): (type, self.value) = ("byte", String(value))
        case .int16(let value): (type, self.value) = ("short", String(value))
        case .int32(let value): (type, self.value) = ("integer", String(value))
        case .int64(let value): (type, self.value) = ("long", String(value))
        case .byteArray(let bytes): (type, self.value) = ("bytes", Hex.encode(bytes))
        case .string(let string): (type, self.value) = ("string", string)
        case .timestamp(let value): (type, self.value) = ("timestamp", String(value))
        case .uuid(let bytes): (type, self.value) = ("uuid", Hex.encode(bytes))
        }
    }

    func header() throws -> EventStreamHeader {
        func number<T: FixedWidthInteger>(_: T.Type) throws -> T {
            guard let number = T(value) else { throw VectorDescription.Invalid(description: "\(name): \(value)") }
            return number
        }
        let parsed: EventStreamHeaderValue
        switch type {
        case "bool": parsed = .bool(value == "true")
        case "byte": parsed = .byte(try number(Int8.self))
        case "short": parsed = .int16(try number(Int16.self))
        case "integer": parsed = .int32(try number(Int32.self))
        case "long": parsed = .int64(try number(Int64.self))
        case "bytes": parsed = .byteArray(try Hex.decode(value))
        case "string": parsed = .string(value)
        case "timestamp": parsed = .timestamp(try number(Int64.self))
        case "uuid": parsed = .uuid(try Hex.decode(value))
        default: throw VectorDescription.Invalid(description: "unknown header type \(type)")
        }
        return EventStreamHeader(name: name, value: parsed)
    }
}

enum Hex {
    static func encode(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String) throws -> [UInt8] {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { throw VectorDescription.Invalid(description: "odd-length hex") }
        func nibble(_ c: UInt8) throws -> UInt8 {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
            default: throw VectorDescription.Invalid(description: "bad hex digit \(c)")
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            out.append(try nibble(utf8[index]) << 4 | nibble(utf8[index + 1]))
            index += 2
        }
        return out
    }
}
