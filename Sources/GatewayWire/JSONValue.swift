/// A JSON document as a value, keeping object member order and the exact text of numbers,
/// so a request can pass through the gateway to a container without being reshaped or rounded.
package enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    /// The number's literal text as it appeared (validated against RFC 8259's grammar).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    package static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)):
            // By exact value, not through `Double`, which rounds (and makes every huge exponent infinity).
            return a == b || JSONNumberValue(a).map { $0 == JSONNumberValue(b) } ?? false
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    package static func int<I: BinaryInteger>(_ value: I) -> JSONValue { .number(String(value)) }

    /// Doubles are written in the shortest form that reads back exactly; non-finite values become null
    /// because JSON cannot carry them.
    package static func double(_ value: Double) -> JSONValue {
        guard value.isFinite else { return .null }
        if abs(value) < 1e15, let exact = Int64(exactly: value) { return .number(String(exact)) }
        return .number("\(value)")
    }

    package subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last(where: { $0.0 == key })?.1
    }

    package var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    package var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    package var arrayValue: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }
    package var objectValue: [(String, JSONValue)]? { if case .object(let o) = self { return o } else { return nil } }
    package var doubleValue: Double? { if case .number(let n) = self { return Double(n) } else { return nil } }
    package var isNull: Bool { if case .null = self { return true } else { return false } }

    /// The value as an exact integer: `3` and `3.0` qualify, `3.5` and `1e400` do not.
    package var intValue: Int? {
        guard case .number(let n) = self else { return nil }
        if let i = Int(n) { return i }
        guard let d = Double(n), abs(d) < 9.0e15 else { return nil }
        return Int(exactly: d)
    }

    /// The JSON type name as OpenAI's error messages spell it.
    package var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

extension JSONValue {
    /// Returns an object with `key` set (replacing an existing member in place, else appended).
    package func setting(_ key: String, to value: JSONValue) -> JSONValue {
        guard case .object(let members) = self else { return self }
        var replaced = false
        var out: [(String, JSONValue)] = members.compactMap { member in
            guard member.0 == key else { return member }
            if replaced { return nil }
            replaced = true
            return (key, value)
        }
        if !replaced { out.append((key, value)) }
        return .object(out)
    }

    package func removing(_ key: String) -> JSONValue {
        guard case .object(let members) = self else { return self }
        return .object(members.filter { $0.0 != key })
    }
}
