/// JSON numbers for float32 values (embeddings): the shortest decimal that parses back to the same
/// float32, which is what Swift's `Float.description` writes (`0.1`, `1e-05`, `-0.0`), so a vector
/// survives JSON text bit for bit (the shim's `float` answers; containers' answers read back with `float(_:)`). OpenAI's embeddings are float32; doubles would only add noise digits.
package enum Float32Text {
    /// `nil` for NaN and infinities, which JSON cannot carry.
    package static func json(_ value: Float) -> JSONValue? {
        guard value.isFinite else { return nil }
        return .number(value.description)
    }

    /// A JSON number read as float32: correctly rounded, so the shortest text written above reads back exactly.
    package static func float(_ value: JSONValue) -> Float? {
        guard case .number(let text) = value, let f = Float(text), f.isFinite else { return nil }
        return f
    }
}
