extension UnsafeBufferPointer<UInt8> {
    /// Whether the bytes from `index` on begin with exactly `text`'s. Compared eight bytes at a time: the chat
    /// frame's fixed member names are read this way on every request, and a closure per byte cost more than
    /// reading the fields between them.
    func hasBytes(of text: StaticString, at index: Int) -> Bool {
        let count = text.utf8CodeUnitCount
        guard index >= 0, self.count - index >= count else { return false }
        guard let base = baseAddress else { return count == 0 }
        let here = UnsafeRawPointer(base + index)
        let there = UnsafeRawPointer(text.utf8Start)
        var offset = 0
        while offset + 8 <= count {
            guard
                here.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                    == there.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            else { return false }
            offset += 8
        }
        while offset < count {
            guard
                here.load(fromByteOffset: offset, as: UInt8.self) == there.load(fromByteOffset: offset, as: UInt8.self)
            else { return false }
            offset += 1
        }
        return true
    }
}
