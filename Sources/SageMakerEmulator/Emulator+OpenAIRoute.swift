import EventLoop
import FoundationEssentials
import GatewayWire

extension Emulator {
    /// SageMaker's OpenAI-compatible route on an endpoint, or on one of its inference components:
    /// `POST /endpoints/<ep>[/inference-components/<ic>]/openai/v1/{chat/completions,completions,embeddings}`,
    /// authorised with `Authorization: Bearer sagemaker-api-key-…` (no SigV4). The container's OpenAI answer is
    /// passed through as is: JSON, or plain `text/event-stream` (no event-stream envelope), and its error status
    /// and body likewise; SageMaker's own refusals are its usual rest-json errors.
    /// https://docs.aws.amazon.com/sagemaker/latest/dg/realtime-endpoints-openai-compatible.html
    static func isOpenAIRoute(_ path: String) -> Bool {
        path.hasPrefix("/endpoints/") && path.contains("/openai/v1/")
    }

    /// The OpenAI paths the route serves, as they follow `/openai/v1/`.
    static let openAIRouteOperations = ["chat/completions", "completions", "embeddings"]

    /// The endpoint, component and operation named by an OpenAI-route path, or nil for any other path.
    static func openAIRouteTarget(_ path: String) -> (endpoint: String, component: String?, operation: String)? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map { String($0) }
        let decoded = { (s: String) in PercentDecoding.decode(s) ?? s }
        guard segments.count > 3, segments[0].isEmpty, segments[1] == "endpoints" else { return nil }
        var rest = segments[3...]
        var component: String?
        if rest.first == "inference-components", rest.count > 1 {
            component = decoded(rest[rest.startIndex + 1])
            rest = rest.dropFirst(2)
        }
        guard rest.starts(with: ["openai", "v1"]) else { return nil }
        let operation = rest.dropFirst(2).joined(separator: "/")
        guard openAIRouteOperations.contains(operation) else { return nil }
        return (decoded(segments[2]), component, operation)
    }

    func openAIRoute(_ exchange: HTTPExchange, requestId: String) {
        guard let target = Self.openAIRouteTarget(exchange.path) else {
            return respond(
                exchange,
                AWSError(code: "UnknownOperationException", status: 404, message: "Not Found").restJSON(
                    requestId: requestId))
        }
        let bearer = exchange.header("Authorization")
        let accessKeyId: String
        switch authenticate(bearer: bearer) {
        case .success(let id): accessKeyId = id
        case .failure(let error): return respond(exchange, error.restJSON(requestId: requestId))
        }
        stats.openAIRoute.record(
            accessKeyId: accessKeyId, token: bearer ?? "", component: target.component, operation: target.operation)
        guard config.endpoints.contains(target.endpoint) else {
            return respond(
                exchange,
                AWSError.validation("Endpoint \(target.endpoint) of account \(EmulatorIdentity.account) not found.")
                    .restJSON(requestId: requestId))
        }
        if let failure = checkInferenceComponent(target.component) {
            return respond(exchange, failure.restJSON(requestId: requestId))
        }
        switch target.operation {
        case "completions":
            return serveContainerAPI(
                .completions, exchange, requestId: requestId, endpoint: target.endpoint, delivery: .openAIRoute)
        case "embeddings":
            return serveContainerAPI(
                .openAIEmbeddings, exchange, requestId: requestId, endpoint: target.endpoint, delivery: .openAIRoute)
        default:
            break
        }

        let script: ChatScript
        switch ChatScript.make(body: exchange.body, servedModel: config.servedModel, endpoint: target.endpoint) {
        case .success(let s): script = s
        case .failure(.service(let error)):
            return respond(exchange, error.restJSON(requestId: requestId))
        case .failure(.container(let status, let body)):
            return respond(
                exchange,
                (status, [("Content-Type", "application/json"), ("x-amzn-RequestId", requestId)], Array(body.utf8)))
        }
        completionCounter += 1
        let renderer = ChatRenderer(
            script: script, id: "chatcmpl-emulator-\(completionCounter)", created: Int(Date().timeIntervalSince1970))
        let headers: [(String, String)] = [("x-amzn-RequestId", requestId)]
        if script.stream {
            // SSE whatever the directives say: this route is OpenAI's, and OpenAI streams SSE.
            var sse = script
            sse.framing = .sse
            let steps = ChatRenderer(script: sse, id: renderer.id, created: renderer.created).steps()
            startStream(
                exchange, steps: steps, partBytes: script.partBytes,
                headers: headers + [("Content-Type", "text/event-stream")], plain: true)
            return
        }
        if script.failAfter != nil {
            guard
                case .container(let status, let body) = ChatScript.vllmError(
                    500, "InternalServerError",
                    "Model failed after \(script.failAfter ?? 0) tokens (emulated fail_after).")
            else { return }
            return respondLater(
                exchange, after: renderer.totalDelay,
                (status, headers + [("Content-Type", "application/json")], Array(body.utf8)))
        }
        respondLater(
            exchange, after: renderer.totalDelay,
            (200, headers + [("Content-Type", "application/json")], renderer.completeBody()))
    }
}
