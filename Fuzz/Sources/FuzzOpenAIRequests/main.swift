import FuzzSupport
import GatewayWire
import OpenAIWire

/// Any body, as the shim receives it on /v1/chat/completions, /v1/completions and /v1/embeddings:
/// each validator returns a request or a 400, never traps; a valid request encodes into a frame the
/// translator decodes back into the same request.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body = FuzzInput(data, size).bytes
    if case .success(let chat) = ChatRequestValidator.validate(body) {
        roundTrip(.chatCompletion(chat))
    }
    if case .success(let completion) = CompletionRequestValidator.validate(body) {
        roundTrip(.completion(completion))
    }
    if case .success(let embeddings) = EmbeddingsRequestValidator.validate(body) {
        roundTrip(.embeddings(embeddings))
    }
    return 0
}

private func roundTrip(_ operation: GatewayRequest.Operation) {
    let request = GatewayRequest(requestId: "fuzz", apiKey: "key", operation: operation)
    let decoded = try? GatewayRequest(frame: request.frame())
    fuzzCheck(decoded == request, "a validated request does not survive its frame: \(request)")
}

runFuzzer { data, size in data.map { fuzz($0, size) } ?? 0 }
