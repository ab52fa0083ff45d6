import Testing

@testable import GatewayWire

/// The chat frame reader must give what parsing the frame gives, and leave every other layout to the parser.
@Suite struct ChatFrameReaderTests {
    static func chat(_ random: inout EventWireTests.Random) -> GatewayRequest {
        let parameters: [(String, JSONValue)] = (0..<random.below(3)).map { _ in (random.string(), random.json()) }
        let chat = ChatRequest(
            model: random.string(), messages: (0..<random.below(4)).map { _ in random.json() },
            stream: random.below(2) == 0, includeUsage: random.below(2) == 0, parameters: parameters)
        return GatewayRequest(
            requestId: random.string(), apiKey: random.below(3) == 0 ? nil : random.string(),
            operation: .chatCompletion(chat))
    }

    @Test func readsWhatTheShimWritesAsParsingDoes() throws {
        var random = EventWireTests.Random(state: 5)
        for _ in 0..<500 {
            let request = Self.chat(&random)
            let frame = request.frame()
            let read = try #require(ChatFrameReader.request(frame.payload))
            #expect(read == request)
            #expect(read == (try GatewayRequest(parsing: frame)))
            #expect(read.frame().payload == frame.payload)
        }
    }

    /// Other layouts of the same request, and broken ones, are the parser's: the answer is the parser's.
    @Test func leavesOtherLayoutsToTheParser() throws {
        let written =
            #"{"id":"r","key":"k","op":"chat","model":"m","messages":[{"role":"user","content":"hi"}],"stream":false,"include_usage":true,"parameters":{"n":1}}"#
        #expect(ChatFrameReader.request(Array(written.utf8)) != nil)
        let variants = [
            written.replacingOccurrences(of: #","stream""#, with: #", "stream""#),
            written.replacingOccurrences(of: #""content":"hi""#, with: #""content":"h\u0069""#),
            written.replacingOccurrences(of: #","key":"k""#, with: ""),
            written.replacingOccurrences(of: #""id":"r","key":"k""#, with: #""key":"k","id":"r""#),
            written.replacingOccurrences(of: #""parameters":{"n":1}"#, with: #""parameters":{"n":1},"x":2"#),
            written.replacingOccurrences(of: #""parameters":{"n":1}"#, with: #""parameters":{"n":01}"#),
            written.replacingOccurrences(of: #""parameters":{"n":1}"#, with: #""parameters":[]"#),
            written.replacingOccurrences(of: #""stream":false"#, with: #""stream":0"#),
            written.replacingOccurrences(of: #""op":"chat""#, with: #""op":"models""#),
            written.replacingOccurrences(of: #""messages":["#, with: #""messages":{"#),
            written + " ", written + "}", String(written.dropLast()), "",
            written.replacingOccurrences(of: #""model":"m""#, with: #""model":"\ud800""#),
        ]
        for variant in variants {
            let frame = Frame(kind: .request, payload: Array(variant.utf8))
            let parsed = Result { () throws(FrameError) in try GatewayRequest(parsing: frame) }
            let decoded = Result { () throws(FrameError) in try GatewayRequest(frame: frame) }
            switch (parsed, decoded) {
            case (.success(let a), .success(let b)): #expect(a == b, "\(variant)")
            case (.failure(let a), .failure(let b)): #expect("\(a)" == "\(b)", "\(variant)")
            default: Issue.record("\(variant): \(parsed) against \(decoded)")
            }
            if variant != written.replacingOccurrences(of: #","key":"k""#, with: "") {
                #expect(ChatFrameReader.request(frame.payload) == nil, "\(variant)")
            }
        }
    }
}
