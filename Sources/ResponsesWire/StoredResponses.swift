import GatewayWire
import OpenAIWire

/// The gateway keeps no responses: every request carries its whole conversation in `input`, as OpenAI's
/// Agents SDK and Codex do with `store: false`. What would need stored state is refused here, once.
/// https://platform.openai.com/docs/guides/conversation-state
package enum StoredResponses {
    static let advice =
        "This gateway keeps no responses: send the whole conversation in 'input' (earlier messages, "
        + "'function_call' and 'function_call_output' items) with 'store' false or unset."

    /// Fields that only mean something to a server that stores responses; `nil`, `null` and `false` pass.
    static func check(_ body: JSONValue) throws(GatewayError) {
        for key in ["previous_response_id", "conversation", "prompt"] {
            guard let value = body[key], !value.isNull else { continue }
            throw GatewayError(.invalidRequest, "'\(key)' is not supported. \(advice)", param: key)
        }
        for key in ["store", "background"] {
            guard let value = body[key], !value.isNull else { continue }
            try ParameterRules.bool(key, value)
            guard value.boolValue == true else { continue }
            let what = key == "store" ? "Stored responses are" : "Background responses are"
            throw GatewayError(.invalidRequest, "\(what) not supported: set '\(key)' to false. \(advice)", param: key)
        }
    }

    /// `GET`/`DELETE /v1/responses/{id}` (and `/input_items`, `/cancel`): a 400, not the 404 OpenAI gives
    /// an id it does not know, because nothing is wrong with the id: the client's way of working (stored
    /// state) is what this gateway does not do, and the message says what to do instead. The message
    /// leaves out the path: whatever a client put in it (a pasted key, say) is not written back.
    package static func lookup(method: String) -> OpenAIErrorResponse {
        OpenAIErrorMapper.response(
            status: 400, type: "invalid_request_error",
            message: "No stored response can be \(method == "DELETE" ? "deleted" : "found"). \(advice)")
    }
}
