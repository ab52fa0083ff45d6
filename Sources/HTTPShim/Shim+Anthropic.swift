import AnthropicWire
import EventLoop
import GatewayWire
import OpenAIWire
import ShimCore

/// Anthropic's Messages API routes: `POST /v1/messages` and `POST /v1/messages/count_tokens`.
/// https://docs.anthropic.com/en/api/messages
extension Shim {
    /// `anthropic-version` and `anthropic-beta` are accepted and ignored: there is one version here.
    func handleAnthropic(_ exchange: HTTPExchange) {
        guard exchange.path == "/v1/messages" || exchange.path == "/v1/messages/count_tokens" else {
            let message = "\(exchange.method) \(exchange.path) is not served by this gateway."
            return reply(
                exchange, AnthropicErrorMapper.response(status: 404, type: "not_found_error", message: message))
        }
        guard exchange.method == "POST" else {
            return reply(exchange, AnthropicErrorMapper.methodNotAllowed(method: exchange.method, path: exchange.path))
        }
        let counting = exchange.path == "/v1/messages/count_tokens"
        switch AnthropicRequestValidator.validate(exchange.body, route: counting ? .countTokens : .messages) {
        case .success(let chat): proxy(exchange, counting ? .countTokens(chat) : .messages(chat))
        case .failure(let error): proxy(exchange, .invalid(error, anthropic: true))
        }
    }

    /// An error answered by the shim itself, in the shape of the API the operation belongs to.
    func errorResponse(_ error: GatewayError, for operation: ProxiedRequest.Operation) -> OpenAIErrorResponse {
        operation.isAnthropic ? AnthropicErrorMapper.response(for: error) : OpenAIErrorMapper.response(for: error)
    }
}
