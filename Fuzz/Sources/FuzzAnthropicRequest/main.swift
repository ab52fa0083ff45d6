import AnthropicWire
import FuzzSupport

/// Any body, as /v1/messages and /v1/messages/count_tokens receive it: a request or an error, never a trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body = FuzzInput(data, size).bytes
    _ = AnthropicRequestValidator.validate(body, route: .messages)
    _ = AnthropicRequestValidator.validate(body, route: .countTokens)
    return 0
}

runFuzzer { data, size in data.map { fuzz($0, size) } ?? 0 }
