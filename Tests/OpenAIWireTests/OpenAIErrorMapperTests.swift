import GatewayWire
import Testing

@testable import OpenAIWire

struct MappingCase: Sendable, CustomTestStringConvertible {
    var kind: GatewayError.Kind
    var status: Int
    var type: String
    var code: String?
    var testDescription: String { kind.rawValue }
}

private let mappings: [MappingCase] = [
    .init(kind: .invalidRequest, status: 400, type: "invalid_request_error", code: nil),
    .init(kind: .missingAPIKey, status: 401, type: "invalid_request_error", code: nil),
    .init(kind: .invalidAPIKey, status: 401, type: "invalid_request_error", code: "invalid_api_key"),
    .init(kind: .modelNotFound, status: 404, type: "invalid_request_error", code: "model_not_found"),
    .init(kind: .endpointNotFound, status: 404, type: "invalid_request_error", code: "model_not_found"),
    .init(kind: .upstreamBadRequest, status: 400, type: "invalid_request_error", code: nil),
    .init(kind: .upstreamModelError, status: 502, type: "server_error", code: nil),
    .init(kind: .throttled, status: 429, type: "requests", code: "rate_limit_exceeded"),
    .init(kind: .serviceUnavailable, status: 503, type: "server_error", code: nil),
    .init(kind: .upstreamFailure, status: 502, type: "server_error", code: nil),
    .init(kind: .upstreamTimeout, status: 504, type: "server_error", code: "timeout"),
    .init(kind: .credentialsFailure, status: 502, type: "server_error", code: nil),
    .init(kind: .authUnavailable, status: 503, type: "server_error", code: nil),
    .init(kind: .translatorUnavailable, status: 503, type: "server_error", code: "translator_unavailable"),
    .init(kind: .modelStreamError, status: 502, type: "server_error", code: "model_error"),
    .init(kind: .shuttingDown, status: 503, type: "server_error", code: nil),
    .init(kind: .internalError, status: 500, type: "server_error", code: nil),
]

@Test func everyKindHasAMappingCase() {
    #expect(Set(mappings.map(\.kind.rawValue)) == Set(GatewayError.Kind.allCases.map(\.rawValue)))
}

@Test(arguments: mappings)
func mapsKindToStatusTypeAndCode(_ c: MappingCase) throws {
    let error = GatewayError(c.kind, "detail \"quoted\"", param: "p")
    let response = OpenAIErrorMapper.response(for: error)
    #expect(response.status == c.status)
    #expect(response.headers.first?.0 == "Content-Type")
    #expect(response.headers.first?.1 == "application/json")
    let json = try JSONParser.parse(response.body)
    #expect(json == OpenAIErrorMapper.object(for: error))
    #expect(json["error"]?["type"] == .string(c.type))
    #expect(json["error"]?["code"] == (c.code.map(JSONValue.string) ?? .null))
    #expect(json["error"]?["param"] == .string("p"))
}

@Test func invalidRequestBodyIsByteExact() {
    let response = OpenAIErrorMapper.response(
        for: GatewayError(.invalidRequest, "Missing required parameter: 'model'.", param: "model"))
    #expect(
        String(decoding: response.body, as: UTF8.self)
            == #"{"error":{"message":"Missing required parameter: 'model'.","type":"invalid_request_error","param":"model","code":null}}"#
    )
}

@Test func keyErrorsUseFixedMessagesAndNeverEchoTheKey() throws {
    let invalid = OpenAIErrorMapper.response(for: GatewayError(.invalidAPIKey, "key sk-secret-123 is unknown"))
    let text = String(decoding: invalid.body, as: UTF8.self)
    #expect(!text.contains("sk-secret-123"))
    #expect(text.contains("Incorrect API key provided."))
    let missing = try JSONParser.parse(OpenAIErrorMapper.response(for: GatewayError(.missingAPIKey, "")).body)
    let message = try #require(missing["error"]?["message"]?.stringValue)
    #expect(
        message.hasPrefix(
            "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
        ))
}

@Test func throttledCarriesRetryAfter() {
    let withValue = OpenAIErrorMapper.response(for: GatewayError(.throttled, "slow down", retryAfterSeconds: 7))
    #expect(withValue.header("Retry-After") == "7")
    let defaulted = OpenAIErrorMapper.response(for: GatewayError(.throttled, "slow down"))
    #expect(defaulted.header("retry-after") == "1")
    #expect(OpenAIErrorMapper.response(for: GatewayError(.serviceUnavailable, "x")).header("Retry-After") == nil)
}

@Test func unknownRouteMethodAndSize() {
    let notFound = OpenAIErrorMapper.unknownRoute(method: "POST", path: "/v1/foo")
    #expect(notFound.status == 404)
    #expect(
        String(decoding: notFound.body, as: UTF8.self)
            == #"{"error":{"message":"Invalid URL (POST /v1/foo)","type":"invalid_request_error","param":null,"code":null}}"#
    )
    let method = OpenAIErrorMapper.methodNotAllowed(method: "GET", path: "/v1/chat/completions", allowed: ["POST"])
    #expect(method.status == 405)
    #expect(method.header("Allow") == "POST")
    #expect(method.header("Content-Type") == "application/json")
    let tooLarge = OpenAIErrorMapper.payloadTooLarge(limit: 8_388_608)
    #expect(tooLarge.status == 413)
    #expect(String(decoding: tooLarge.body, as: UTF8.self).contains("8388608 bytes"))
}
