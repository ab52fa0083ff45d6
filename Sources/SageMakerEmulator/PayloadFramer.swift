import AWSEventStream
import GatewayWire

/// Cuts the container's output into PayloadParts the way SageMaker does, that is without regard for message
/// boundaries, so clients are forced to buffer:
/// - with `partBytes`, every part is exactly that many bytes (the last may be shorter);
/// - otherwise a step holding one event is split in two inside its token text (inside a multi-byte UTF-8
///   character when there is one), and a step holding several events goes out as one part.
struct PayloadFramer {
    var partBytes: Int?
    private var pending: [UInt8] = []

    init(partBytes: Int?) {
        self.partBytes = partBytes
    }

    /// The part payloads for one step's events; `final` flushes whatever a fixed part size held back.
    mutating func parts(for events: [[UInt8]], final: Bool) -> [[UInt8]] {
        if let size = partBytes {
            pending.append(contentsOf: events.flatMap { $0 })
            var out: [[UInt8]] = []
            while pending.count >= size {
                out.append(Array(pending.prefix(size)))
                pending.removeFirst(size)
            }
            if final, !pending.isEmpty {
                out.append(pending)
                pending = []
            }
            return out
        }
        if events.count == 1 {
            let event = events[0]
            let cut = Self.splitPoint(event)
            return cut > 0 && cut < event.count ? [Array(event[..<cut]), Array(event[cut...])] : [event]
        }
        let joined = events.flatMap { $0 }
        return joined.isEmpty ? [] : [joined]
    }

    /// Inside the last `"content":"..."` value: after the lead byte of its first multi-byte character, else
    /// in its middle; the event's middle if it has no content.
    static func splitPoint(_ event: [UInt8]) -> Int {
        // Chat chunks carry their token in `content`, completion chunks in `text`.
        let markers = [Array("\"content\":\"".utf8), Array("\"text\":\"".utf8)]
        guard
            let start = markers.lazy.compactMap({ marker in lastIndex(of: marker, in: event).map { $0 + marker.count } }
            )
            .first
        else { return event.count / 2 }
        var end = start
        while end < event.count, event[end] != UInt8(ascii: "\"") {
            end += event[end] == UInt8(ascii: "\\") ? 2 : 1
        }
        end = min(end, event.count)
        if let lead = event[start..<end].firstIndex(where: { $0 >= 0xC0 }) { return lead + 1 }
        guard end > start else { return start }
        var middle = start + (end - start) / 2
        // Do not cut between a backslash and what it escapes: the halves would still rejoin, but keep it simple to read.
        if middle > start, event[middle - 1] == UInt8(ascii: "\\") { middle += 1 }
        return middle
    }

    private static func lastIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var i = haystack.count - needle.count
        while i >= 0 {
            if haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i -= 1
        }
        return nil
    }

    /// A `PayloadPart` event message around `bytes`.
    static func payloadPart(_ bytes: [UInt8]) -> [UInt8] {
        EventStreamEncoder.encode(
            EventStreamMessage(
                headers: [
                    EventStreamHeader(name: EventStreamHeaderName.eventType, value: .string("PayloadPart")),
                    EventStreamHeader(
                        name: EventStreamHeaderName.contentType, value: .string("application/octet-stream")),
                    EventStreamHeader(name: EventStreamHeaderName.messageType, value: .string("event")),
                ],
                payload: bytes))
    }

    /// A modeled `ModelStreamError` exception message, which ends the stream.
    static func modelStreamError(message: String, errorCode: String) -> [UInt8] {
        let body: JSONValue = .object([("Message", .string(message)), ("ErrorCode", .string(errorCode))])
        return EventStreamEncoder.encode(
            EventStreamMessage(
                headers: [
                    EventStreamHeader(name: EventStreamHeaderName.exceptionType, value: .string("ModelStreamError")),
                    EventStreamHeader(name: EventStreamHeaderName.contentType, value: .string("application/json")),
                    EventStreamHeader(name: EventStreamHeaderName.messageType, value: .string("exception")),
                ],
                payload: JSONWriter.bytes(body)))
    }
}
