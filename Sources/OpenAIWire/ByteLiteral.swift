extension Array where Element == UInt8 {
    /// Appends the bytes of `literal`, a copy of memory: appending a String literal's `utf8` view took the
    /// generic sequence path, some 170 instructions for each piece of a rendered response.
    mutating func append(literal: StaticString) {
        append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }
}
