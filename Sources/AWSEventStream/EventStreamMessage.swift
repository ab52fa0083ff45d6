/// One decoded event-stream message: its headers in wire order and its payload.
/// https://docs.aws.amazon.com/transcribe/latest/dg/streaming-setting-up.html#streaming-event-stream
package struct EventStreamMessage: Equatable, Sendable {
    /// In wire order. The format does not forbid repeated names; lookups return the first.
    package var headers: [EventStreamHeader]
    package var payload: [UInt8]

    package init(headers: [EventStreamHeader] = [], payload: [UInt8] = []) {
        self.headers = headers
        self.payload = payload
    }

    /// The value of the first header called `name`.
    package func header(_ name: String) -> EventStreamHeaderValue? {
        for header in headers where header.name == name {
            return header.value
        }
        return nil
    }

    /// The first header called `name` if it is a string, such as the ``EventStreamHeaderName`` ones.
    package func stringHeader(_ name: String) -> String? {
        guard case .string(let value)? = header(name) else { return nil }
        return value
    }
}
