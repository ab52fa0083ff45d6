import GatewayWire
import Testing

@testable import ModelFormats

@Suite struct CompletionsEmbeddingsPayloadTests {
    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func completionBodyLikeChat() {
        let request = CompletionRequest(
            model: "alias", prompt: .array([.int(1), .int(2)]), stream: true, includeUsage: false,
            parameters: [("suffix", .string("!")), ("logprobs", .int(1)), ("model", .string("sneaky"))])
        #expect(
            text(OpenAICompletionPayload.body(for: request, containerModel: "meta/llama"))
                == #"{"model":"meta/llama","prompt":[1,2],"suffix":"!","logprobs":1,"stream":true,"stream_options":{"include_usage":true}}"#
        )
        let plain = CompletionRequest(
            model: "a", prompt: .string("hé"), stream: false, includeUsage: false, parameters: [])
        #expect(
            text(OpenAICompletionPayload.body(for: plain, containerModel: nil))
                == #"{"model":"","prompt":"hé","stream":false}"#)
    }

    @Test func openAIEmbeddingsBodyAlwaysAsksForFloats() {
        let request = EmbeddingsRequest(
            model: "alias", input: .texts(["a"]), encodingFormat: .base64, dimensions: 3,
            parameters: [("user", .string("u")), ("truncate_prompt_tokens", .int(8))])
        #expect(
            text(OpenAIEmbeddingsPayload.body(for: request, containerModel: nil))
                == #"{"model":"","input":["a"],"encoding_format":"float","dimensions":3,"user":"u","truncate_prompt_tokens":8}"#
        )
        let ids = EmbeddingsRequest(model: "alias", input: .tokenIds([[5, 6]]))
        #expect(
            text(OpenAIEmbeddingsPayload.body(for: ids, containerModel: "bge"))
                == #"{"model":"bge","input":[[5,6]],"encoding_format":"float"}"#)
    }

    @Test func batchRanges() {
        #expect(EmbeddingsBatching.ranges(count: 5, maxBatchSize: 2) == [0..<2, 2..<4, 4..<5])
        #expect(EmbeddingsBatching.ranges(count: 4, maxBatchSize: 2) == [0..<2, 2..<4])
        #expect(EmbeddingsBatching.ranges(count: 1, maxBatchSize: 32) == [0..<1])
        #expect(EmbeddingsBatching.ranges(count: 3, maxBatchSize: 0) == [0..<1, 1..<2, 2..<3])
    }

    @Test func openAIBodiesAreBatchedInOrder() {
        let request = EmbeddingsRequest(model: "a", input: .tokenIds([[1], [2], [3]]), dimensions: 2)
        #expect(
            OpenAIEmbeddingsPayload.bodies(for: request, containerModel: "e5", maxBatchSize: 2).map(text) == [
                #"{"model":"e5","input":[[1],[2]],"encoding_format":"float","dimensions":2}"#,
                #"{"model":"e5","input":[[3]],"encoding_format":"float","dimensions":2}"#,
            ])
    }

    @Test func teiBodiesAreBatchedInOrder() {
        let request = EmbeddingsRequest(
            model: "bge", input: .texts(["a", "b", "c", "d", "e"]), encodingFormat: .base64, dimensions: nil,
            parameters: [("user", .string("u")), ("truncate", .bool(true)), ("normalize", .null)])
        #expect(
            TEIEmbeddingsPayload.bodies(for: request, maxBatchSize: 2).map(text) == [
                #"{"inputs":["a","b"],"truncate":true}"#, #"{"inputs":["c","d"],"truncate":true}"#,
                #"{"inputs":["e"],"truncate":true}"#,
            ])
        #expect(
            TEIEmbeddingsPayload.bodies(for: request, maxBatchSize: 32).map(text) == [
                #"{"inputs":["a","b","c","d","e"],"truncate":true}"#
            ])
        let ids = EmbeddingsRequest(model: "bge", input: .tokenIds([[1], [2, 3]]), dimensions: 4)
        #expect(
            TEIEmbeddingsPayload.bodies(for: ids, maxBatchSize: 0).map(text) == [
                #"{"inputs":[[1]],"dimensions":4}"#, #"{"inputs":[[2,3]],"dimensions":4}"#,
            ])
    }

    @Test func openAIEmbeddingsAnswerInIndexOrder() throws {
        let body =
            #"{"object":"list","data":[{"object":"embedding","index":1,"embedding":[0.5,-1]},{"object":"embedding","index":0,"embedding":[0.012345678918063641,2e-3]}],"model":"x","usage":{"prompt_tokens":4,"total_tokens":4}}"#
        let result = try EmbeddingsResponseParser.openAI(Array(body.utf8), expected: 2).get()
        #expect(result.vectors == [[Float(0.012345678918063641), 0.002], [0.5, -1]])
        #expect(result.promptTokens == 4)
    }

    @Test func openAIEmbeddingsFailures() {
        let cases: [(String, GatewayError.Kind)] = [
            (#"{"data":[{"index":0,"embedding":[1]}]}"#, .upstreamFailure),
            (#"{"data":[{"index":0,"embedding":["x"]},{"index":1,"embedding":[1]}]}"#, .upstreamFailure),
            (#"{"data":[{"index":0,"embedding":[1]},{"index":0,"embedding":[1]}]}"#, .upstreamFailure),
            (#"{"object":"error","message":"too long","code":400}"#, .upstreamModelError),
            ("not json", .upstreamFailure),
            (#"{"data":[{"index":0,"embedding":[1e999]},{"index":1,"embedding":[1]}]}"#, .upstreamFailure),
        ]
        for (body, kind) in cases {
            guard case .failure(let error) = EmbeddingsResponseParser.openAI(Array(body.utf8), expected: 2) else {
                Issue.record("accepted \(body)")
                continue
            }
            #expect(error.kind == kind, "\(body)")
        }
    }

    @Test func teiBareArray() throws {
        let vectors = try EmbeddingsResponseParser.tei(Array("[[0.1,-0.2],[3,4e-5]]".utf8), expected: 2).get()
        #expect(vectors == [[0.1, -0.2], [3, 4e-5]])
        for (body, kind) in [
            ("[[0.1]]", GatewayError.Kind.upstreamFailure),
            (#"{"error":"x","error_type":"Validation"}"#, .upstreamModelError),
            ("[[0.1],[\"a\"]]", .upstreamFailure), (#"{"vectors":[]}"#, .upstreamFailure),
        ] {
            guard case .failure(let error) = EmbeddingsResponseParser.tei(Array(body.utf8), expected: 2) else {
                Issue.record("accepted \(body)")
                continue
            }
            #expect(error.kind == kind, "\(body)")
        }
    }
}
