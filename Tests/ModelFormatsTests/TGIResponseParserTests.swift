import GatewayWire
import Testing

@testable import ModelFormats

private func events(_ body: String, stops: [String] = [], promptTokens: Int? = nil) -> Result<
    [ModelEvent], GatewayError
> {
    TGIResponseParser.events(from: Array(body.utf8), stopSequences: stops, promptTokensIfUnreported: promptTokens)
}

private let listBody =
    #"[{"generated_text":"Paris is the capital. 🇫🇷","details":{"finish_reason":"length","generated_tokens":9,"#
    + #""seed":null,"prefill":[],"tokens":[{"id":1,"text":"Paris","logprob":-0.1,"special":false}]}}]"#

@Test func sageMakerListShape() throws {
    #expect(
        try events(listBody).get() == [
            .content(choice: 0, text: "Paris is the capital. 🇫🇷"), .finish(choice: 0, reason: "length"),
        ])
    #expect(
        try events(listBody, promptTokens: 11).get().last == .usage(Usage(promptTokens: 11, completionTokens: 9)))
}

@Test func bareObjectWithPromptTokensAndStopSequence() throws {
    let body =
        #"{"generated_text":"Paris.\nUser:","details":{"finish_reason":"stop_sequence","generated_tokens":4,"prompt_tokens":7}}"#
    #expect(
        try events(body, stops: ["User:", "\nUser:"]).get() == [
            .content(choice: 0, text: "Paris."), .finish(choice: 0, reason: "stop"),
            .usage(Usage(promptTokens: 7, completionTokens: 4)),
        ])
    // The text is only trimmed when TGI says it stopped on a sequence.
    let eos = #"{"generated_text":"Paris.\nUser:","details":{"finish_reason":"eos_token","generated_tokens":4}}"#
    #expect(
        try events(eos, stops: ["\nUser:"]).get() == [
            .content(choice: 0, text: "Paris.\nUser:"), .finish(choice: 0, reason: "stop"),
        ])
}

@Test func withoutDetailsTheGenerationSimplyEnded() throws {
    #expect(try events(#"[{"generated_text":""}]"#).get() == [.finish(choice: 0, reason: "stop")])
}

@Test func errorShapes() {
    #expect(
        events(
            #"{"error":"Input validation error: `temperature` must be strictly positive","error_type":"validation"}"#)
            == .failure(
                GatewayError(.upstreamBadRequest, "Input validation error: `temperature` must be strictly positive")))
    #expect(
        events(#"{"error":"Model is overloaded","error_type":"overloaded"}"#)
            == .failure(GatewayError(.upstreamModelError, "Model is overloaded (overloaded error)")))
    for garbage in ["[]", "Internal Server Error", "[1]", #"{"choices":[]}"#] {
        guard case .failure(let error) = events(garbage) else {
            Issue.record("expected a failure for \(garbage)")
            continue
        }
        #expect(error.kind == .upstreamFailure, "\(garbage)")
    }
}
