extension String {
    /// The string's UTF-8 as one buffer (a small string is copied to the stack first). Byte loops and appends
    /// through the `utf8` view paid the view's per-byte iteration, which the profile showed at several times
    /// the cost of the loop itself on the short names and values a request signs.
    func withUTF8Bytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        // A native string lends its storage as it is; the mutable copy `withUTF8` needs (for a bridged string it
        // may have to make contiguous) cost a retain and a release per call, a few dozen calls a signature.
        if let result = try utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = self
        return try copy.withUTF8(body)
    }
}

extension Array where Element == UInt8 {
    /// Appends the UTF-8 of `text` in one copy.
    mutating func appendUTF8(_ text: String) {
        text.withUTF8Bytes { append(contentsOf: $0) }
    }
}
