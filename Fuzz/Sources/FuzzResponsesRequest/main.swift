import FuzzSupport
import ResponsesWire

/// Any body, as POST /v1/responses receives it: a request or an error, never a trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = ResponsesRequestValidator.validate(FuzzInput(data, size).bytes)
    return 0
}

runFuzzer { data, size in data.map { fuzz($0, size) } ?? 0 }
