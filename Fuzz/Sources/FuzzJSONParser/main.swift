import FuzzSupport
import GatewayWire

/// Any bytes: the parser either throws or returns a value that the writer writes back into text
/// the parser reads as the same value.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = FuzzInput(data, size)
    guard let value = try? JSONParser.parse(input.bytes) else { return 0 }
    let written = JSONWriter.bytes(value)
    let reread = try? JSONParser.parse(written)
    fuzzCheck(reread == value, "written JSON does not read back: \(String(decoding: written, as: UTF8.self))")
    return 0
}

runFuzzer { data, size in data.map { fuzz($0, size) } ?? 0 }
