/// One named header of an event-stream message. Names are at most 255 UTF-8 bytes (u8 length prefix).
package struct EventStreamHeader: Equatable, Sendable {
    package var name: String
    package var value: EventStreamHeaderValue

    package init(name: String, value: EventStreamHeaderValue) {
        self.name = name
        self.value = value
    }
}
