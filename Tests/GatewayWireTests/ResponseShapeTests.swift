import Testing

@testable import GatewayWire

/// The `accepted` frame's payload: empty for the default, read leniently.
@Suite struct ResponseShapeTests {
    @Test func defaultIsAnEmptyPayload() {
        #expect(TranslatorMessage.accepted().frame().encoded() == [0, 0, 0, 6, 2, 2, 0, 0, 0, 0])
        #expect(ResponseShape(reasoningField: .reasoningContent).wire.isEmpty)
    }

    @Test func reasoningFieldRoundTrips() throws {
        let frame = TranslatorMessage.accepted(ResponseShape(reasoningField: .reasoning)).frame()
        #expect(String(decoding: frame.payload, as: UTF8.self) == #"{"reasoning_field":"reasoning"}"#)
        #expect(try TranslatorMessage(frame: frame) == .accepted(ResponseShape(reasoningField: .reasoning)))
    }

    @Test(
        "an unknown or unreadable payload means the default",
        arguments: [#"{"reasoning_field":"thoughts"}"#, #"{"other":1}"#, "not json", "[]"])
    func lenient(_ payload: String) throws {
        let message = try TranslatorMessage(frame: Frame(kind: .accepted, payload: Array(payload.utf8)))
        #expect(message == .accepted(ResponseShape()))
    }
}
