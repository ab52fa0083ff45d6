import EventLoop
import GatewayLog
import GatewayMetrics
import GatewayWire

/// `GET /metrics` on `METRICS_PORT`, a listener of its own so the page is never reachable through the
/// load balancer, which forwards only `PORT`. Each scrape asks the translator for its families over the
/// socket (op `metrics`) and serves both processes' figures as one Prometheus text page; a translator
/// that does not answer leaves its families out and sets `gateway_translator_up` to 0.
final class MetricsEndpoint {
    private let server: HTTPServer
    private unowned let shim: Shim
    /// Scrapes waiting for the translator, by identity, so each call lives until it answers.
    private var calls: [ObjectIdentifier: TranslatorCall] = [:]

    var port: Int { server.port }

    init(shim: Shim, host: String, port: Int) throws {
        self.shim = shim
        var limits = HTTPLimits()
        limits.maxConnections = 16
        weak var weakSelf: MetricsEndpoint?
        server = try HTTPServer(
            loop: shim.loop, host: host, port: port, maxBodyBytes: 0, idleTimeoutSeconds: 30, limits: limits,
            handler: { exchange in weakSelf?.handle(exchange) },
            bodyTooLarge: { exchange in
                exchange.respond(
                    status: 413, headers: [("Content-Type", "text/plain")], body: Array("too large\n".utf8))
            })
        weakSelf = self
    }

    private func handle(_ exchange: HTTPExchange) {
        guard exchange.path == "/metrics" else {
            return exchange.respond(
                status: 404, headers: [("Content-Type", "text/plain")], body: Array("only /metrics here\n".utf8))
        }
        guard exchange.method == "GET" || exchange.method == "HEAD" else {
            return exchange.respond(
                status: 405, headers: [("Content-Type", "text/plain"), ("Allow", "GET")], body: Array("GET only\n".utf8)
            )
        }
        let request = GatewayRequest(requestId: "metrics", apiKey: nil, operation: .metrics)
        let call: TranslatorCall
        do {
            call = try shim.translator.open(request)
        } catch {
            return respond(exchange, translator: nil)
        }
        let key = ObjectIdentifier(call)
        calls[key] = call
        var answered = false
        let finish: ([MetricFamily]?) -> Void = { [weak self] families in
            guard !answered else { return }
            answered = true
            self?.calls[key]?.close()
            self?.calls[key] = nil
            self?.respond(exchange, translator: families)
        }
        call.onMessage = { message in
            if case .metrics(let families) = message { return finish(families) }
            finish(nil)
        }
        call.onLost = { reason in
            Log.warning("metrics: the translator did not answer: \(reason)")
            finish(nil)
        }
        exchange.onClientClose = { finish(nil) }
    }

    private func respond(_ exchange: HTTPExchange, translator: [MetricFamily]?) {
        let families =
            shim.metrics.families(translatorUp: translator != nil) + (translator ?? [])
            + ProcessStats.current().families(process: "httpshim")
        exchange.respond(
            status: 200, headers: [("Content-Type", PrometheusText.contentType)],
            body: Array(PrometheusText.render(MetricFamily.merged(families)).utf8))
    }
}
