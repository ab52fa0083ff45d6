/// Bytes written in order into memory that is already there (a stack buffer, a new String's storage), for text whose
/// length is known before it is written: the string to sign and the Authorization value. Built as arrays, each was
/// an allocation, and each append checked capacity and uniqueness.
///
/// The caller sizes the buffer; writing past its end traps (a miscounted length is a bug, not input).
struct ByteWriter {
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    private(set) var count = 0

    init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        self.buffer = buffer
    }

    /// What was written so far.
    var written: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: buffer[..<count]))
    }

    mutating func write(_ byte: UInt8) {
        // Checked in release builds too: the buffer pointer's own subscript is checked only in debug ones.
        precondition(count < buffer.count, "ByteWriter: buffer too small")
        buffer[count] = byte
        count += 1
    }

    mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        precondition(bytes.count <= buffer.count - count, "ByteWriter: buffer too small")
        guard let source = bytes.baseAddress, let target = buffer.baseAddress else { return }
        (target + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    mutating func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { write($0) }
    }

    mutating func write(_ text: String) {
        text.withUTF8Bytes { write($0) }
    }

    mutating func write(_ text: StaticString) {
        text.withUTF8Buffer { write($0) }
    }
}
