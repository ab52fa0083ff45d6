/// Splits a byte stream into lines, single-step: bytes arrive in arbitrary pieces (a SageMaker
/// PayloadPart can end mid-line or mid-character), complete lines come out without their terminator.
///
/// Terminators are `\n`, `\r\n` and a lone `\r`, as the SSE spec defines them
/// (https://html.spec.whatwg.org/multipage/server-sent-events.html#parsing-an-event-stream). Lines are
/// returned as bytes, so a UTF-8 character split across `append`s is whole by the time anyone decodes it.
package struct LineSplitter {
    private var buffer: [UInt8] = []
    private var readIndex = 0
    /// Where the search for the next terminator resumes, so a long line is scanned once, not once per append.
    private var scanIndex = 0
    /// The last line ended with `\r`: a `\n` arriving next belongs to that terminator.
    private var afterCR = false

    package init() {}

    package var bufferedByteCount: Int { buffer.count - readIndex }

    package mutating func append<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        if readIndex > 0, readIndex >= buffer.count / 2 {
            buffer.removeFirst(readIndex)
            scanIndex -= readIndex
            readIndex = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete line, or `nil` until more bytes arrive.
    package mutating func nextLine() -> [UInt8]? {
        if afterCR, readIndex < buffer.count {
            afterCR = false
            if buffer[readIndex] == 0x0A {
                readIndex += 1
                scanIndex = max(scanIndex, readIndex)
            }
        }
        scanIndex = max(scanIndex, readIndex)
        // Every byte of every streamed answer passes here: scan the storage directly (no per-byte bounds check).
        let from = scanIndex
        let terminator = buffer.withUnsafeBufferPointer { all in
            all[from...].firstIndex { $0 == 0x0A || $0 == 0x0D }
        }
        guard let end = terminator else {
            scanIndex = buffer.count
            return nil
        }
        let line = Array(buffer[readIndex..<end])
        if buffer[end] == 0x0D { afterCR = true }
        readIndex = end + 1
        scanIndex = readIndex
        return line
    }

    /// At end of input: the unterminated last line, if any bytes are left.
    package mutating func finish() -> [UInt8]? {
        defer {
            buffer.removeAll()
            readIndex = 0
            scanIndex = 0
            afterCR = false
        }
        guard readIndex < buffer.count else { return nil }
        return Array(buffer[readIndex...])
    }
}
