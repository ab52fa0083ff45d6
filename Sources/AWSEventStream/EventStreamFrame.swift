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

    init(storage: [UInt8], headers: Range<Int>, payload: Range<Int>) {
        self.storage = storage
        self.headerRange = headers
        self.payloadRange = payload
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

    /// Whether the first header called `name` is a string equal to `value`, compared as bytes. Mirrors
    /// ``EventStreamMessage/stringHeader(_:)`` `== value` without building either string.
    package func stringHeader(_ name: StaticString, is value: StaticString) -> Bool {
        name.withUTF8Buffer { name in
            value.withUTF8Buffer { value in
                storage.withUnsafeBytes { all in
                    let section = UnsafeRawBufferPointer(rebasing: all[headerRange])
                    guard
                        let found = EventStreamHeaderCodec.firstStringValue(
                            named: UnsafeRawBufferPointer(name), in: section)
                    else { return false }
                    return found.count == value.count
                        && EventStreamHeaderCodec.equal(found, at: 0, UnsafeRawBufferPointer(value))
                }
            }
        }
    }

    /// The first header called `name` if it is a string; for the rarer messages (exceptions, errors) that need text.
    package func stringHeader(_ name: String) -> String? {
        EventStreamMessage(headers: headers).stringHeader(name)
    }
}
