import GatewayWire
import Testing

@testable import AnthropicWire

@Test func everyKindHasAnthropicsStatusAndType() {
    let expected: [GatewayError.Kind: (Int, String)] = [
        .invalidRequest: (400, "invalid_request_error"), .upstreamBadRequest: (400, "invalid_request_error"),
        .missingAPIKey: (401, "authentication_error"), .invalidAPIKey: (401, "authentication_error"),
        .modelNotFound: (404, "not_found_error"), .endpointNotFound: (404, "not_found_error"),
        .throttled: (429, "rate_limit_error"), .serviceUnavailable: (529, "overloaded_error"),
        .authUnavailable: (529, "overloaded_error"), .translatorUnavailable: (529, "overloaded_error"),
        .shuttingDown: (529, "overloaded_error"), .upstreamModelError: (502, "api_error"),
        .upstreamFailure: (502, "api_error"), .credentialsFailure: (502, "api_error"),
        .modelStreamError: (502, "api_error"), .upstreamTimeout: (504, "api_error"), .internalError: (500, "api_error"),
    ]
    for kind in GatewayError.Kind.allCases {
        let mapping = AnthropicErrorMapper.mapping(for: kind)
        #expect(expected[kind]?.0 == mapping.status, "\(kind)")
        #expect(expected[kind]?.1 == mapping.type, "\(kind)")
    }
}

@Test func errorBodyAndRetryAfter() {
    let response = AnthropicErrorMapper.response(
        for: GatewayError(.throttled, "Slow down.", retryAfterSeconds: 3))
    #expect(response.status == 429)
    #expect(response.header("Retry-After") == "3")
    #expect(
        String(decoding: response.body, as: UTF8.self)
            == #"{"type":"error","error":{"type":"rate_limit_error","message":"Slow down."}}"#)
}

@Test func keyErrorsNeverEchoTheKey() {
    let response = AnthropicErrorMapper.response(for: GatewayError(.invalidAPIKey, "key sk-secret is wrong"))
    #expect(response.status == 401)
    #expect(!String(decoding: response.body, as: UTF8.self).contains("sk-secret"))
}

@Test func routeLevelErrors() {
    #expect(AnthropicErrorMapper.payloadTooLarge(limit: 10).status == 413)
    #expect(
        String(decoding: AnthropicErrorMapper.payloadTooLarge(limit: 10).body, as: UTF8.self).contains(
            #""type":"request_too_large""#))
    let notAllowed = AnthropicErrorMapper.methodNotAllowed(method: "GET", path: "/v1/messages")
    #expect(notAllowed.status == 405 && notAllowed.header("Allow") == "POST")
}
