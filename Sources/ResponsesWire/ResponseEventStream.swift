import GatewayWire
import OpenAIWire

/// Renders a model's events as the Responses API's SSE stream for `stream: true`.
/// https://platform.openai.com/docs/api-reference/responses-streaming
///
/// `response.created` and `response.in_progress` open it; each output item is `output_item.added`, its
/// content part, deltas, `*.done` events and `output_item.done`; it ends with `response.completed` (or
/// `response.incomplete` when the token limit cut the answer). An error after the stream began is an
/// `error` event followed by `response.failed`. `sequence_number` counts every event from 0.
package struct ResponseEventStream {
    package let response: ResponseObject
    private var output: ResponseOutput
    private var sequenceNumber = 0
    private var started = false
    private var ended = false

    package init(response: ResponseObject, promptTokenEstimate: Int) {
        self.response = response
        output = ResponseOutput(idStem: response.idStem, promptTokenEstimate: promptTokenEstimate)
    }

    /// `response.created` and `response.in_progress`, once; every other method starts with them.
    package mutating func start() -> [UInt8] {
        guard !started else { return [] }
        started = true
        let snapshot = response.json(status: "in_progress", output: [], usage: nil)
        return write([
            ResponseStreamEvent("response.created", [("response", snapshot)]),
            ResponseStreamEvent("response.in_progress", [("response", snapshot)]),
        ])
    }

    package mutating func render(_ event: ModelEvent) -> [UInt8] {
        guard !ended else { return [] }
        return start() + write(output.add(event))
    }

    /// Closes the open item and reports the whole response: `response.completed`, or `response.incomplete`
    /// with `incomplete_details` when the model hit the token limit. Idempotent.
    package mutating func finish(completedAt: Int) -> [UInt8] {
        guard !ended else { return [] }
        var out = start() + write(output.finish())
        ended = true
        let reason = output.incompleteReason
        let final = response.json(
            status: reason == nil ? "completed" : "incomplete", output: output.items.map(\.json),
            usage: output.usageJSON, incompleteReason: reason, completedAt: reason == nil ? completedAt : nil)
        out += write([
            ResponseStreamEvent(reason == nil ? "response.completed" : "response.incomplete", [("response", final)])
        ])
        return out
    }

    /// An error after the stream began: an `error` event (OpenAI's error object's code, message and
    /// param), then `response.failed` with what had been produced; the caller closes the stream.
    package mutating func fail(_ error: GatewayError) -> [UInt8] {
        guard !ended else { return [] }
        var out = start()
        ended = true
        let mapping = OpenAIErrorMapper.mapping(for: error.kind)
        let message = OpenAIErrorMapper.message(for: error)
        out += write([
            ResponseStreamEvent(
                "error",
                [
                    ("code", .string(mapping.code ?? mapping.type)), ("message", .string(message)),
                    ("param", error.param.map(JSONValue.string) ?? .null),
                ])
        ])
        // `response.error.code` is one of the spec's codes: only throttling has its own.
        let code = error.kind == .throttled ? "rate_limit_exceeded" : "server_error"
        let failed = response.json(
            status: "failed", output: output.items.map(\.json), usage: output.usageJSON,
            error: .object([("code", .string(code)), ("message", .string(message))]))
        out += write([ResponseStreamEvent("response.failed", [("response", failed)])])
        return out
    }

    private mutating func write(_ events: [ResponseStreamEvent]) -> [UInt8] {
        var out: [UInt8] = []
        for event in events {
            out += event.sse(sequenceNumber: sequenceNumber)
            sequenceNumber += 1
        }
        return out
    }
}
