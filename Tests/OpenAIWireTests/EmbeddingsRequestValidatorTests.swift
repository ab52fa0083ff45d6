import GatewayWire
import Testing

@testable import OpenAIWire

private func validate(_ text: String) -> Result<EmbeddingsRequest, GatewayError> {
    EmbeddingsRequestValidator.validate(Array(text.utf8))
}

struct EmbeddingsBadCase: CustomTestStringConvertible, Sendable {
    var body: String
    var param: String?
    var message: String
    var testDescription: String { String(body.prefix(80)) }
}

private let inputShapes = "one of a string, array of strings, array of integers, or array of arrays of integers"
private let tooMany = "[" + Array(repeating: #""x""#, count: 2049).joined(separator: ",") + "]"

private let badEmbeddings: [EmbeddingsBadCase] = [
    .init(body: #"{"input":"x"}"#, param: "model", message: "Missing required parameter: 'model'."),
    .init(body: #"{"model":"m"}"#, param: "input", message: "Missing required parameter: 'input'."),
    .init(
        body: #"{"model":"m","input":""}"#, param: "input",
        message:
            "Invalid 'input': empty string. Expected a string with minimum length 1, but got an empty string instead."),
    .init(
        body: #"{"model":"m","input":["a",""]}"#, param: "input[1]",
        message:
            "Invalid 'input[1]': empty string. Expected a string with minimum length 1, but got an empty string instead."
    ),
    .init(
        body: #"{"model":"m","input":[]}"#, param: "input",
        message:
            "Invalid 'input': empty array. Expected an array with minimum length 1, but got an empty array instead."),
    .init(
        body: #"{"model":"m","input":\#(tooMany)}"#, param: "input",
        message:
            "Invalid 'input': array too long. Expected an array with maximum length 2048, but got an array with length 2049 instead."
    ),
    .init(
        body: #"{"model":"m","input":true}"#, param: "input",
        message: "Invalid type for 'input': expected \(inputShapes), but got a boolean instead."),
    .init(
        body: #"{"model":"m","input":[1.5]}"#, param: "input[0]",
        message: "Invalid type for 'input[0]': expected an integer, but got a decimal instead."),
    .init(
        body: #"{"model":"m","input":[[1],"a"]}"#, param: "input[1]",
        message: "Invalid type for 'input[1]': expected an array of integers, but got a string instead."),
    .init(
        body: #"{"model":"m","input":"x","encoding_format":"binary"}"#, param: "encoding_format",
        message: "Invalid value: 'binary'. Supported values are: 'float' and 'base64'."),
    .init(
        body: #"{"model":"m","input":"x","encoding_format":1}"#, param: "encoding_format",
        message: "Invalid type for 'encoding_format': expected a string, but got an integer instead."),
    .init(
        body: #"{"model":"m","input":"x","dimensions":0}"#, param: "dimensions",
        message: "Invalid 'dimensions': integer below minimum value. Expected a value >= 1, but got 0 instead."),
    .init(
        body: #"{"model":"m","input":"x","user":7}"#, param: "user",
        message: "Invalid type for 'user': expected a string, but got an integer instead."),
]

@Test(arguments: badEmbeddings) func refusesBadEmbeddings(_ c: EmbeddingsBadCase) {
    guard case .failure(let error) = validate(c.body) else {
        Issue.record("accepted \(c.body)")
        return
    }
    #expect(error.kind == .invalidRequest)
    #expect(error.param == c.param)
    #expect(error.message == c.message)
}

@Test func everyInputShape() throws {
    #expect(try validate(#"{"model":"m","input":"héllo"}"#).get().input == .texts(["héllo"]))
    #expect(try validate(#"{"model":"m","input":["a","b"]}"#).get().input == .texts(["a", "b"]))
    #expect(try validate(#"{"model":"m","input":[1,2,3]}"#).get().input == .tokenIds([[1, 2, 3]]))
    #expect(try validate(#"{"model":"m","input":[[1,2],[3]]}"#).get().input == .tokenIds([[1, 2], [3]]))
}

@Test func formatDimensionsAndPassThrough() throws {
    let request = try validate(
        #"{"model":"m","input":"x","encoding_format":"base64","dimensions":256,"user":"u","truncate":true}"#
    ).get()
    #expect(request.encodingFormat == .base64)
    #expect(request.dimensions == 256)
    #expect(JSONWriter.string(.object(request.parameters)) == #"{"user":"u","truncate":true}"#)
    let defaults = try validate(#"{"model":"m","input":"x","encoding_format":null,"dimensions":null}"#).get()
    #expect(defaults.encodingFormat == .float && defaults.dimensions == nil)
}
