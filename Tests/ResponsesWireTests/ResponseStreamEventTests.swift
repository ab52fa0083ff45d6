import GatewayWire
import Testing

@testable import ResponsesWire

@Test func anEventIsAnEventLineAndOneDataLine() {
    let event = ResponseStreamEvent("response.output_text.delta", [("delta", .string("a\nb \"c\" é"))])
    let text = String(decoding: event.sse(sequenceNumber: 7), as: UTF8.self)
    #expect(
        text
            == "event: response.output_text.delta\n"
            + #"data: {"type":"response.output_text.delta","delta":"a\nb \"c\" é","sequence_number":7}"# + "\n\n")
}
