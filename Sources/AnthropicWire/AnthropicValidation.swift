import GatewayWire

/// 400s worded the way Anthropic's API words its validation errors (`<path>: <problem>`, the path dotted
/// with indices, `messages.0.content.1.type`), so a client reading the message finds the field at once.
/// https://docs.anthropic.com/en/api/errors
enum AnthropicValidation {
    static func invalid(_ path: String, _ problem: String) -> GatewayError {
        GatewayError(.invalidRequest, "\(path): \(problem)", param: path)
    }

    static func missing(_ path: String) -> GatewayError { invalid(path, "Field required") }

    static func unsupported(_ path: String, _ why: String) -> GatewayError {
        invalid(path, "not supported by this gateway: \(why)")
    }

    static func string(_ value: JSONValue?, _ path: String) throws(GatewayError) -> String {
        guard let value, !value.isNull else { throw missing(path) }
        guard case .string(let s) = value else { throw invalid(path, "Input should be a valid string") }
        return s
    }

    static func optionalString(_ value: JSONValue?, _ path: String) throws(GatewayError) -> String? {
        guard let value, !value.isNull else { return nil }
        return try string(value, path)
    }

    static func object(_ value: JSONValue?, _ path: String) throws(GatewayError) -> JSONValue {
        guard let value, !value.isNull else { throw missing(path) }
        guard case .object = value else { throw invalid(path, "Input should be a valid dictionary") }
        return value
    }

    static func array(_ value: JSONValue?, _ path: String) throws(GatewayError) -> [JSONValue] {
        guard let value, !value.isNull else { throw missing(path) }
        guard case .array(let items) = value else { throw invalid(path, "Input should be a valid list") }
        return items
    }

    static func optionalBool(_ value: JSONValue?, _ path: String) throws(GatewayError) -> Bool? {
        guard let value, !value.isNull else { return nil }
        guard case .bool(let b) = value else { throw invalid(path, "Input should be a valid boolean") }
        return b
    }

    static func integer(_ value: JSONValue?, _ path: String, min: Int) throws(GatewayError) -> Int {
        guard let value, !value.isNull else { throw missing(path) }
        guard let n = value.intValue else { throw invalid(path, "Input should be a valid integer") }
        guard n >= min else { throw invalid(path, "Input should be greater than or equal to \(min)") }
        return n
    }

    static func number(_ value: JSONValue, _ path: String, min: Double, max: Double) throws(GatewayError) {
        guard let n = value.doubleValue else { throw invalid(path, "Input should be a valid number") }
        guard n >= min, n <= max else {
            throw invalid(
                path, "Input should be between \(format(min)) and \(format(max)), got \(JSONWriter.string(value))")
        }
    }

    /// A block's `type`, required and one of `supported`.
    static func blockType(_ block: JSONValue, _ path: String, supported: [String]) throws(GatewayError) -> String {
        _ = try object(block, path)
        let type = try string(block["type"], "\(path).type")
        guard supported.contains(type) else {
            let listed = supported.map { "'\($0)'" }.joined(separator: ", ")
            throw invalid(
                "\(path).type",
                "Input tag '\(type)' found using 'type' does not match any of the expected tags: \(listed)")
        }
        return type
    }

    private static func format(_ bound: Double) -> String {
        bound == bound.rounded() ? String(Int(bound)) : String(bound)
    }
}
