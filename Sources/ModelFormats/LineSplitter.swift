#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
        if readIndex == buffer.count {
            // Everything read (the usual case between events): refill in place rather than shift nothing.
            if readIndex > 0 {
                buffer.replaceSubrange(0..<buffer.count, with: bytes)
            } else {
                buffer.append(contentsOf: bytes)
            }
            readIndex = 0
            scanIndex = 0
            return
        }
        if readIndex > 0, readIndex >= buffer.count / 2 {
            buffer.removeFirst(readIndex)
            scanIndex -= readIndex
            readIndex = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete line, or `nil` until more bytes arrive.
    package mutating func nextLine() -> [UInt8]? {
        nextLineSlice().map { Array($0) }
    }

    /// As ``nextLine()``, but sharing the splitter's buffer instead of copying the line; drop it before the next
    /// ``append(_:)``, which would otherwise copy the buffer.
    package mutating func nextLineSlice() -> ArraySlice<UInt8>? {
        if afterCR, readIndex < buffer.count {
            afterCR = false
            if buffer[readIndex] == 0x0A {
                readIndex += 1
            }
        }
        scanIndex = max(scanIndex, readIndex)
        guard let end = Self.terminator(in: buffer, from: scanIndex) else {
            scanIndex = buffer.count
            return nil
        }
        let line = buffer[readIndex..<end]
        if buffer[end] == 0x0D { afterCR = true }
        readIndex = end + 1
        scanIndex = readIndex
        return line
    }

    /// The index of the first `\n` or `\r` at or after `from`. Every byte of every streamed answer passes here, so
    /// libc's vectorised `memchr` looks for `\n`, then for a `\r` only in the part before it.
    private static func terminator(in buffer: [UInt8], from: Int) -> Int? {
        buffer.withUnsafeBytes { all -> Int? in
            guard let base = all.baseAddress, from < all.count else { return nil }
            let start = base + from
            let count = all.count - from
            let newline = memchr(start, 0x0A, count)
            let before = newline.map { UnsafeRawPointer($0) - start } ?? count
            if let carriageReturn = memchr(start, 0x0D, before) {
                return from + (UnsafeRawPointer(carriageReturn) - start)
            }
            return newline == nil ? nil : from + before
        }
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
