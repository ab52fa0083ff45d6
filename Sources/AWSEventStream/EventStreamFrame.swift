/// One decoded message, still in the bytes it arrived in: what ``EventStreamDecoder/decodeFrame()`` returns so a
/// caller that needs two or three header values and the payload does not pay for every header becoming a `String`
/// and the payload its own array. Both CRCs and the whole headers section have been checked exactly as
/// ``EventStreamDecoder/decode()`` checks them, so ``message`` is what `decode()` would have returned.
///
/// It shares the decoder's buffer (a retained array, not a pointer), so it stays valid after the decoder moves on;
/// dropping it before the next `append` keeps that buffer from being copied.
package struct EventStreamFrame {
    private let storage: [UInt8]
    private let headerRange: Range<Int>
    private let payloadRange: Range<Int>
    /// Found while the headers were validated, so the two lookups every message needs cost no second pass.
    private let messageTypeRange: Range<Int>?
    private let eventTypeRange: Range<Int>?

    init(
        storage: [UInt8], headers: Range<Int>, payload: Range<Int>, messageType: Range<Int>?, eventType: Range<Int>?
    ) {
        self.storage = storage
        self.headerRange = headers
        self.payloadRange = payload
        self.messageTypeRange = messageType
        self.eventTypeRange = eventType
    }

    package var payload: ArraySlice<UInt8> { storage[payloadRange] }

    /// The headers and payload as ``EventStreamDecoder/decode()`` returns them.
    package var message: EventStreamMessage {
        EventStreamMessage(headers: headers, payload: Array(payload))
    }

    package var headers: [EventStreamHeader] {
        storage.withUnsafeBytes { all in
            // Already validated when the frame was decoded, so this cannot fail.
            (try? EventStreamHeaderCodec.parse(UnsafeRawBufferPointer(rebasing: all[headerRange]))) ?? []
        }
    }

    /// Whether `:message-type` is `value`: ``stringHeader(_:)`` `== value` for
    /// ``EventStreamHeaderName/messageType``, compared as bytes.
    package func messageType(is value: StaticString) -> Bool { matches(messageTypeRange, value) }

    /// Whether `:event-type` is `value`, as ``messageType(is:)``.
    package func eventType(is value: StaticString) -> Bool { matches(eventTypeRange, value) }

    /// Whether the first header called `name` is a string equal to `value`, compared as bytes. Mirrors
    /// ``EventStreamMessage/stringHeader(_:)`` `== value` without building either string.
    package func stringHeader(_ name: StaticString, is value: StaticString) -> Bool {
        let range = name.withUTF8Buffer { name in
            storage.withUnsafeBytes { all in
                EventStreamHeaderCodec.firstStringValue(
                    named: UnsafeRawBufferPointer(name), in: UnsafeRawBufferPointer(rebasing: all[headerRange]))
            }
        }
        return matches(
            range.map { $0.lowerBound + headerRange.lowerBound..<$0.upperBound + headerRange.lowerBound }, value)
    }

    private func matches(_ range: Range<Int>?, _ value: StaticString) -> Bool {
        guard let range else { return false }
        return value.withUTF8Buffer { value in
            storage.withUnsafeBytes { all in
                range.count == value.count
                    && EventStreamHeaderCodec.equal(all, at: range.lowerBound, UnsafeRawBufferPointer(value))
            }
        }
    }

    /// The first header called `name` if it is a string; for the rarer messages (exceptions, errors) that need text.
    package func stringHeader(_ name: String) -> String? {
        EventStreamMessage(headers: headers).stringHeader(name)
    }
}
