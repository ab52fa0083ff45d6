import GatewayWire
import Testing

@testable import ModelFormats

private let hello: [JSONValue] = [.object([("role", .string("user")), ("content", .string("héllo \"you\""))])]

private func chat(stream: Bool, _ parameters: [(String, JSONValue)]) -> ChatRequest {
    ChatRequest(model: "client-alias", messages: hello, stream: stream, includeUsage: true, parameters: parameters)
}

private func body(_ request: ChatRequest, template: PromptTemplate = .chatml) throws -> String {
    String(decoding: try TGIPayload.body(for: request, template: template), as: UTF8.self)
}

private func error(_ parameters: [(String, JSONValue)], stream: Bool = false) -> GatewayError? {
    let request = chat(stream: stream, parameters)
    guard
        case .failure(let error) = Result(catching: { () throws(GatewayError) in
            try TGIPayload.body(for: request, template: .chatml)
        })
    else { return nil }
    return error
}

@Test func samplingRequestMapsEveryParameter() throws {
    let request = chat(
        stream: true,
        [
            ("temperature", .number("0.70")), ("top_p", .number("0.9")), ("max_tokens", .number("64")),
            ("stop", .string("\n\n")), ("seed", .number("42")), ("frequency_penalty", .number("0.5")),
            ("presence_penalty", .number("1")), ("top_k", .number("40")), ("repetition_penalty", .number("1.1")),
            ("typical_p", .number("0.95")), ("n", .number("1")), ("user", .string("u-1")),
            ("tools", .array([])), ("logprobs", .bool(true)),
        ])
    #expect(
        try body(request)
            == #"{"inputs":"<|im_start|>user\nhéllo \"you\"<|im_end|>\n<|im_start|>assistant\n","parameters":{"#
            + #""max_new_tokens":64,"temperature":0.70,"top_p":0.9,"top_k":40,"typical_p":0.95,"repetition_penalty":1.1,"#
            + #""frequency_penalty":0.5,"do_sample":true,"stop":["\n\n"],"seed":42,"details":true,"return_full_text":false},"#
            + #""stream":true}"#)
}

@Test func temperatureZeroIsGreedyWithoutAnySamplingParameter() throws {
    let request = chat(
        stream: false,
        [
            ("temperature", .number("0")), ("top_p", .number("0.5")), ("top_k", .number("40")),
            ("typical_p", .number("0.5")), ("do_sample", .bool(true)), ("max_tokens", .number("20")),
            ("max_completion_tokens", .number("10")), ("stop", .array([.string("a"), .string(""), .string("b")])),
            ("seed", .number("-1")), ("best_of", .number("1")), ("frequency_penalty", .number("0")),
        ])
    #expect(
        try body(request, template: .mistral)
            == #"{"inputs":" [INST] héllo \"you\" [/INST]","parameters":{"max_new_tokens":10,"do_sample":false,"#
            + #""stop":["a","b"],"seed":18446744073709551615,"details":true,"return_full_text":false},"stream":false}"#)
}

@Test func topPZeroIsGreedyAndTopPOneAndTypicalPOneAreLeftOut() throws {
    #expect(
        try body(chat(stream: false, [("top_p", .number("0")), ("temperature", .number("1"))]))
            .contains(#""parameters":{"do_sample":false,"details""#))
    #expect(
        try body(
            chat(stream: false, [("top_p", .number("1.0")), ("typical_p", .number("1")), ("top_k", .number("-1"))])
        )
        .contains(#""parameters":{"do_sample":true,"details""#))
}

@Test func nullParametersAreAbsentAndClientDoSampleIsHonoured() throws {
    #expect(
        try body(chat(stream: false, [("temperature", .null), ("max_tokens", .null), ("do_sample", .bool(false))]))
            .contains(#""parameters":{"do_sample":false,"details":true,"return_full_text":false}"#))
}

@Test func completionsPromptIsInputsUnchangedWithTGIExtras() throws {
    let bytes = try TGIPayload.body(
        prompt: "<s>[INST] raw [/INST]",
        parameters: [
            ("truncate", .number("100")), ("watermark", .bool(true)), ("best_of", .number("2")),
            ("top_p", .number("0.8")),
        ],
        stream: false)
    #expect(
        String(decoding: bytes, as: UTF8.self)
            == #"{"inputs":"<s>[INST] raw [/INST]","parameters":{"top_p":0.8,"do_sample":true,"best_of":2,"#
            + #""truncate":100,"watermark":true,"details":true,"return_full_text":false},"stream":false}"#)
}

@Test func requestsTGICannotServeAreClientErrorsNamingTheParameter() {
    let cases: [([(String, JSONValue)], Bool, String)] = [
        ([("n", .number("2"))], false, "n"),
        ([("best_of", .number("3"))], false, "best_of"),
        ([("best_of", .number("2"))], true, "best_of"),
        ([("best_of", .number("2")), ("seed", .number("1"))], false, "best_of"),
        ([("best_of", .number("2")), ("temperature", .number("0"))], false, "best_of"),
        ([("max_tokens", .number("0"))], false, "max_tokens"),
        ([("max_completion_tokens", .number("1.5"))], false, "max_completion_tokens"),
        ([("temperature", .number("-1"))], false, "temperature"),
        ([("top_p", .string("high"))], false, "top_p"),
        ([("top_k", .string("x"))], false, "top_k"),
        ([("repetition_penalty", .number("0"))], false, "repetition_penalty"),
        ([("do_sample", .string("yes"))], false, "do_sample"),
        ([("seed", .number("1.5"))], false, "seed"),
        ([("truncate", .number("0"))], false, "truncate"),
    ]
    for (parameters, stream, param) in cases {
        let failure = error(parameters, stream: stream)
        #expect(failure?.kind == .invalidRequest, "\(param)")
        #expect(failure?.param == param, "\(parameters)")
        #expect(failure?.message.contains("`\(param)`") == true, "\(failure?.message ?? "no error")")
    }
    let empty = Result { () throws(GatewayError) in try TGIPayload.body(prompt: "", parameters: [], stream: true) }
    guard case .failure(let emptyPrompt) = empty else {
        Issue.record("expected an error")
        return
    }
    #expect(emptyPrompt.param == "prompt")
}

@Test func stopSequencesForTheParsers() {
    #expect(TGIParameters.stopSequences(in: [("stop", .string("END"))]) == ["END"])
    #expect(TGIParameters.stopSequences(in: [("stop", .array([.string(""), .string("x"), .null]))]) == ["x"])
    #expect(TGIParameters.stopSequences(in: [("stop", .null)]).isEmpty)
    #expect(TGIParameters.stopSequences(in: []).isEmpty)
}
