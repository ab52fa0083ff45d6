import EventLoop
import FoundationEssentials
import GatewayWire

extension Emulator {
    /// An invocation of an endpoint whose container is TGI's native API (`--tgi-endpoint`,
    /// `EMULATOR_TGI_ENDPOINTS`): the body is `{"inputs", "parameters", "stream"}` and the answer TGI's. Called
    /// after SageMaker's own checks (signature, endpoint, variant, inference component) have passed.
    func tgiInvocation(_ exchange: HTTPExchange, requestId: String, endpoint: String, variant: String, streaming: Bool)
    {
        let script: TGIScript
        switch TGIScript.make(body: exchange.body, endpoint: endpoint) {
        case .success(let s): script = s
        case .failure(.service(let error)):
            return respond(exchange, error.restJSON(requestId: requestId))
        case .failure(.container(let status, let body)):
            return respond(
                exchange,
                AWSError.model(status: status, body: body, endpoint: endpoint, region: config.region).restJSON(
                    requestId: requestId))
        }
        let renderer = TGIRenderer(script: script)
        let headers: [(String, String)] = [
            ("x-amzn-RequestId", requestId), ("x-Amzn-Invoked-Production-Variant", variant),
        ]
        if streaming, script.stream || script.failAfter == nil {
            let steps =
                script.stream
                ? renderer.steps() : [ChatRenderer.Step(delay: renderer.totalDelay, events: [renderer.completeBody()])]
            startStream(
                exchange, steps: steps, partBytes: script.partBytes,
                headers: headers + [
                    ("Content-Type", "application/vnd.amazon.eventstream"),
                    ("X-Amzn-SageMaker-Content-Type", renderer.contentType),
                ])
            return
        }
        if script.failAfter != nil {
            guard
                case .container(let status, let body) = TGIScript.tgiError(
                    500, "Request failed during generation: emulated fail_after", type: "generation")
            else { return }
            return respondLater(
                exchange, after: renderer.totalDelay,
                AWSError.model(status: status, body: body, endpoint: endpoint, region: config.region).restJSON(
                    requestId: requestId))
        }
        respondLater(
            exchange, after: renderer.totalDelay,
            (200, headers + [("Content-Type", renderer.contentType)], renderer.completeBody()))
    }
}
