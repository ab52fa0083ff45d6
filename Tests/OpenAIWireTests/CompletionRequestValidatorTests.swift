import GatewayWire
import Testing

@testable import OpenAIWire

private func validate(_ text: String) -> Result<CompletionRequest, GatewayError> {
    CompletionRequestValidator.validate(Array(text.utf8))
}

private func failure(_ text: String) -> GatewayError? {
    if case .failure(let error) = validate(text) { return error }
    return nil
}

struct CompletionBadCase: CustomTestStringConvertible, Sendable {
    var body: String
    var param: String?
    var message: String
    var testDescription: String { body }
}

private let promptShapes = "one of a string, array of strings, array of integers, or array of arrays of integers"

private let badCompletions: [CompletionBadCase] = [
    .init(body: #"{"prompt":"x"}"#, param: "model", message: "Missing required parameter: 'model'."),
    .init(body: #"{"model":"m"}"#, param: "prompt", message: "Missing required parameter: 'prompt'."),
    .init(body: #"{"model":"m","prompt":null}"#, param: "prompt", message: "Missing required parameter: 'prompt'."),
    .init(
        body: #"{"model":"m","prompt":5}"#, param: "prompt",
        message: "Invalid type for 'prompt': expected \(promptShapes), but got an integer instead."),
    .init(
        body: #"{"model":"m","prompt":[]}"#, param: "prompt",
        message:
            "Invalid 'prompt': empty array. Expected an array with minimum length 1, but got an empty array instead."),
    .init(
        body: #"{"model":"m","prompt":["a",1]}"#, param: "prompt[1]",
        message: "Invalid type for 'prompt[1]': expected a string, but got an integer instead."),
    .init(
        body: #"{"model":"m","prompt":[1,-2]}"#, param: "prompt[1]",
        message: "Invalid 'prompt[1]': integer below minimum value. Expected a value >= 0, but got -2 instead."),
    .init(
        body: #"{"model":"m","prompt":[1,"a"]}"#, param: "prompt[1]",
        message: "Invalid type for 'prompt[1]': expected an integer, but got a string instead."),
    .init(
        body: #"{"model":"m","prompt":[[1],[]]}"#, param: "prompt[1]",
        message:
            "Invalid 'prompt[1]': empty array. Expected an array with minimum length 1, but got an empty array instead."
    ),
    .init(
        body: #"{"model":"m","prompt":[[1],2]}"#, param: "prompt[1]",
        message: "Invalid type for 'prompt[1]': expected an array of integers, but got an integer instead."),
    .init(
        body: #"{"model":"m","prompt":[{"a":1}]}"#, param: "prompt",
        message: "Invalid type for 'prompt': expected \(promptShapes), but got an object instead."),
    .init(
        body: #"{"model":"m","prompt":"x","echo":true}"#, param: "echo",
        message:
            "The 'echo' parameter is not supported by this gateway: set it to false and prepend the prompt to the completion yourself."
    ),
    .init(
        body: #"{"model":"m","prompt":"x","echo":"yes"}"#, param: "echo",
        message: "Invalid type for 'echo': expected a boolean, but got a string instead."),
    .init(
        body: #"{"model":"m","prompt":"x","best_of":3}"#, param: "best_of",
        message:
            "The 'best_of' parameter is not supported by this gateway: the models behind it cannot rank candidates server-side. Use 'n' to get several completions."
    ),
    .init(
        body: #"{"model":"m","prompt":"x","best_of":21}"#, param: "best_of",
        message: "Invalid 'best_of': integer above maximum value. Expected a value <= 20, but got 21 instead."),
    .init(
        body: #"{"model":"m","prompt":"x","logprobs":6}"#, param: "logprobs",
        message: "Invalid 'logprobs': integer above maximum value. Expected a value <= 5, but got 6 instead."),
    .init(
        body: #"{"model":"m","prompt":"x","logprobs":true}"#, param: "logprobs",
        message: "Invalid type for 'logprobs': expected an integer, but got a boolean instead."),
    .init(
        body: #"{"model":"m","prompt":"x","max_tokens":-1}"#, param: "max_tokens",
        message: "Invalid 'max_tokens': integer below minimum value. Expected a value >= 0, but got -1 instead."),
    .init(
        body: #"{"model":"m","prompt":"x","suffix":3}"#, param: "suffix",
        message: "Invalid type for 'suffix': expected a string, but got an integer instead."),
    .init(
        body: #"{"model":"m","prompt":"x","stop":["a","b","c","d","e"]}"#, param: "stop",
        message:
            "Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length 5 instead."
    ),
    .init(
        body: #"{"model":"m","prompt":"x","n":0}"#, param: "n",
        message: "Invalid 'n': integer below minimum value. Expected a value >= 1, but got 0 instead."),
    .init(
        body: #"{"model":"m","prompt":"x","temperature":3}"#, param: "temperature",
        message: "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 3 instead."),
    .init(
        body: #"{"model":"m","prompt":"x","messages":[]}"#, param: "messages",
        message: "Unrecognized request argument supplied: messages. Send chat messages to /v1/chat/completions."),
    .init(
        body: #"{"model":"m","prompt":"x","stream_options":{"include_usage":true}}"#, param: "stream_options",
        message: "The 'stream_options' parameter is only allowed when 'stream' is enabled."),
]

@Test(arguments: badCompletions) func refusesBadCompletion(_ c: CompletionBadCase) {
    let error = failure(c.body)
    #expect(error?.kind == .invalidRequest)
    #expect(error?.param == c.param)
    #expect(error?.message == c.message)
}

@Test func acceptsEveryPromptShape() throws {
    for prompt in [#""hi""#, #"["a","b"]"#, "[1,2,3]", "[[1,2],[3]]", #"[""]"#] {
        let request = try validate(#"{"model":"m","prompt":\#(prompt)}"#).get()
        #expect(JSONWriter.string(request.prompt) == prompt)
    }
}

@Test func keepsParametersInOrderAndLiftsTypedFields() throws {
    let request = try validate(
        #"{"model":"m","prompt":"p","stream":true,"stream_options":{"include_usage":true},"suffix":"s","stop":"\n","logprobs":2,"best_of":1,"echo":false,"top_k":5,"temperature":0,"user":null}"#
    ).get()
    #expect(request.model == "m")
    #expect(request.stream && request.includeUsage)
    #expect(
        JSONWriter.string(.object(request.parameters))
            == #"{"suffix":"s","stop":"\n","logprobs":2,"echo":false,"top_k":5,"temperature":0,"user":null}"#)
}

@Test func repeatedKeyKeepsTheLastValue() throws {
    let request = try validate(#"{"model":"m","prompt":"p","n":1,"n":2}"#).get()
    #expect(JSONWriter.string(.object(request.parameters)) == #"{"n":2}"#)
}
