/// One libFuzzer input, with the helpers every harness shares.
public struct FuzzInput {
    public let bytes: [UInt8]

    public init(_ data: UnsafePointer<UInt8>, _ size: Int) {
        bytes = Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// The input cut in two at an offset the input itself chooses (from its first byte), so the fuzzer
    /// explores split points along with contents; the first byte is not part of either half.
    public var halves: (first: ArraySlice<UInt8>, second: ArraySlice<UInt8>) {
        guard let selector = bytes.first else { return ([], []) }
        let rest = bytes.dropFirst()
        let cut = rest.startIndex + Int(selector) % (rest.count + 1)
        return (rest[..<cut], rest[cut...])
    }

    /// The input without the split-choosing byte: what the halves join back into.
    public var joined: ArraySlice<UInt8> { bytes.dropFirst() }
}

/// Stops the run so libFuzzer records the input: an invariant the code under test promises was broken.
public func fuzzCheck(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError(message()) }
}
