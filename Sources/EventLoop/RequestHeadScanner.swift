import CLibevent

/// Finds where a request head ends in an evbuffer without copying it out, scanning only what is new.
package enum RequestHeadScanner {
    /// The offset just past the blank line that ends a request head, searching for line feeds from
    /// `start`. Lines may end in CRLF or a bare LF, as evhttp accepts both. A line feed at the very
    /// start of the buffer ends the head only when evhttp has already consumed the lines before it;
    /// otherwise it is an empty line before the request line, which RFC 9112 §2.2 lets a server ignore.
    package static func headEnd(in buffer: OpaquePointer, from start: Int, consumedBefore: Bool) -> Int? {
        let length = evbuffer_get_length(buffer)
        var position = evbuffer_ptr()
        guard start < length, evbuffer_ptr_set(buffer, &position, start, EVBUFFER_PTR_SET) == 0 else { return nil }
        var newline = UInt8(ascii: "\n")
        while true {
            let found = evbuffer_search(buffer, &newline, 1, &position)
            guard found.pos >= 0 else { return nil }
            let index = found.pos
            var before: [UInt8] = [0, 0]
            let lookBack = min(index, 2)
            if lookBack > 0 {
                var from = evbuffer_ptr()
                _ = evbuffer_ptr_set(buffer, &from, index - lookBack, EVBUFFER_PTR_SET)
                before.withUnsafeMutableBytes { raw in
                    _ = evbuffer_copyout_from(buffer, &from, raw.baseAddress.map { $0 + (2 - lookBack) }, lookBack)
                }
            }
            let blank: Bool
            switch index {
            case 0: blank = consumedBefore
            case 1: blank = before[1] == UInt8(ascii: "\n") || (before[1] == UInt8(ascii: "\r") && consumedBefore)
            default:
                blank =
                    before[1] == UInt8(ascii: "\n")
                    || (before[1] == UInt8(ascii: "\r") && before[0] == UInt8(ascii: "\n"))
            }
            if blank { return index + 1 }
            guard index + 1 < length, evbuffer_ptr_set(buffer, &position, index + 1, EVBUFFER_PTR_SET) == 0 else {
                return nil
            }
        }
    }

    /// The same scan over bytes copied into a fresh evbuffer (for tests and tools).
    package static func headEnd(in bytes: [UInt8], from start: Int, consumedBefore: Bool) -> Int? {
        guard let buffer = evbuffer_new() else { return nil }
        defer { evbuffer_free(buffer) }
        bytes.withUnsafeBytes { _ = evbuffer_add(buffer, $0.baseAddress, $0.count) }
        return headEnd(in: buffer, from: start, consumedBefore: consumedBefore)
    }
}
