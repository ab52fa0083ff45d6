import GatewayWire

/// Builders for 400 errors worded the way OpenAI's API words them, so client code that matches on
/// messages (and humans used to them) see the familiar text. Every error carries the offending `param`
/// path, e.g. `messages[2].content[0].text`.
///
/// Shapes observed from https://api.openai.com/v1/chat/completions:
/// `Missing required parameter: 'x'.`, `Invalid type for 'x': expected a string, but got an integer instead.`,
/// `Invalid 'x': decimal above maximum value. Expected a value <= 2, but got 3 instead.`,
/// `Invalid value: 'bot'. Supported values are: 'a', 'b', and 'c'.`
package enum ValidationMessage {
    package static func missing(_ param: String) -> GatewayError {
        GatewayError(.invalidRequest, "Missing required parameter: '\(param)'.", param: param)
    }

    package static func invalidType(_ param: String, expected: String, got value: JSONValue) -> GatewayError {
        GatewayError(
            .invalidRequest, "Invalid type for '\(param)': expected \(expected), but got \(describe(value)) instead.",
            param: param)
    }

    package static func invalidValue(_ param: String, _ value: String, supported: [String]) -> GatewayError {
        GatewayError(
            .invalidRequest, "Invalid value: '\(value)'. Supported values are: \(englishList(supported)).", param: param
        )
    }

    package static func emptyArray(_ param: String) -> GatewayError {
        GatewayError(
            .invalidRequest,
            "Invalid '\(param)': empty array. Expected an array with minimum length 1, but got an empty array instead.",
            param: param)
    }

    package static func arrayTooLong(_ param: String, max: Int, got: Int) -> GatewayError {
        GatewayError(
            .invalidRequest,
            "Invalid '\(param)': array too long. Expected an array with maximum length \(max), but got an array with length \(got) instead.",
            param: param)
    }

    package static func emptyString(_ param: String) -> GatewayError {
        GatewayError(
            .invalidRequest,
            "Invalid '\(param)': empty string. Expected a string with minimum length 1, but got an empty string instead.",
            param: param)
    }

    /// `kind` is "decimal" or "integer", as OpenAI says it.
    package static func below(_ param: String, kind: String, minimum: String, got: String) -> GatewayError {
        GatewayError(
            .invalidRequest,
            "Invalid '\(param)': \(kind) below minimum value. Expected a value >= \(minimum), but got \(got) instead.",
            param: param)
    }

    package static func above(_ param: String, kind: String, maximum: String, got: String) -> GatewayError {
        GatewayError(
            .invalidRequest,
            "Invalid '\(param)': \(kind) above maximum value. Expected a value <= \(maximum), but got \(got) instead.",
            param: param)
    }

    /// A JSON value's type with its article ("an integer", "a decimal", "null"), as OpenAI's messages name it.
    package static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number(let text): return isIntegerLiteral(text) ? "an integer" : "a decimal"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    package static func isIntegerLiteral(_ text: String) -> Bool {
        !text.utf8.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") })
    }

    /// `'a'`, `'a' and 'b'`, `'a', 'b', and 'c'`.
    package static func englishList(_ values: [String]) -> String {
        let quoted = values.map { "'\($0)'" }
        switch quoted.count {
        case 0: return ""
        case 1: return quoted[0]
        case 2: return "\(quoted[0]) and \(quoted[1])"
        default: return quoted.dropLast().joined(separator: ", ") + ", and " + quoted[quoted.count - 1]
        }
    }
}
