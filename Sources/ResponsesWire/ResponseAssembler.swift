import GatewayWire

/// Folds a model's events into the one `response` object a non-streamed request answers with: the
/// same items, ids and usage the stream would have carried in its `response.completed`.
/// https://platform.openai.com/docs/api-reference/responses/object
package struct ResponseAssembler {
    package let response: ResponseObject
    private var output: ResponseOutput

    package init(response: ResponseObject, promptTokenEstimate: Int) {
        self.response = response
        output = ResponseOutput(idStem: response.idStem, promptTokenEstimate: promptTokenEstimate)
    }

    package mutating func add(_ event: ModelEvent) {
        _ = output.add(event)
    }

    /// `completed`, or `incomplete` with `incomplete_details` when the model hit the token limit.
    package func json(completedAt: Int) -> JSONValue {
        var finished = output
        _ = finished.finish()
        let reason = finished.incompleteReason
        return response.json(
            status: reason == nil ? "completed" : "incomplete", output: finished.items.map(\.json),
            usage: finished.usageJSON, incompleteReason: reason, completedAt: reason == nil ? completedAt : nil)
    }

    package func bytes(completedAt: Int) -> [UInt8] { JSONWriter.bytes(json(completedAt: completedAt)) }
}
