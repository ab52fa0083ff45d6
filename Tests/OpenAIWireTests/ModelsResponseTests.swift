import GatewayWire
import Testing

@testable import OpenAIWire

@Test func listAndRetrieveModels() {
    let m = ModelInfo(id: "llama-3-8b", created: 1700000000, ownedBy: "sagemaker")
    #expect(
        String(decoding: ModelsResponse.list([m]), as: UTF8.self)
            == #"{"object":"list","data":[{"id":"llama-3-8b","object":"model","created":1700000000,"owned_by":"sagemaker"}]}"#
    )
    #expect(String(decoding: ModelsResponse.list([]), as: UTF8.self) == #"{"object":"list","data":[]}"#)
    #expect(
        String(decoding: ModelsResponse.model(m), as: UTF8.self)
            == #"{"id":"llama-3-8b","object":"model","created":1700000000,"owned_by":"sagemaker"}"#)
}

@Test func chatCompletionIDShape() {
    let ids = (0..<50).map { _ in RequestID.chatCompletion() }
    for id in ids {
        #expect(id.hasPrefix("chatcmpl-"))
        let suffix = id.dropFirst("chatcmpl-".count)
        #expect(suffix.count == 29)
        #expect(suffix.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
    }
    #expect(Set(ids).count == ids.count)
}
