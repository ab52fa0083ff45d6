import CurlMulti
import EventLoop
import FoundationEssentials
import GatewayLog
import GatewayWire

/// `--upstream URL`: a real model behind the emulator. An `openai`-format invocation (chat, completions,
/// OpenAI embeddings) is forwarded to the OpenAI-compatible server at URL (Ollama, llama.cpp's
/// `llama-server`, vLLM on the developer's machine), and its answer comes back the way SageMaker would
/// carry it: a streamed answer in PayloadParts of the event stream, a plain one as the body, a non-2xx as
/// SageMaker's ModelError. So `make run` can serve a real model with everything else still emulated.
extension Emulator {
    func forwardToUpstream(
        _ exchange: HTTPExchange, api: ContainerAPI, requestId: String, endpoint: String, variant: String,
        streaming: Bool
    ) {
        guard let base = config.upstream else { return }
        let path: String
        switch api {
        case .chat: path = "/chat/completions"
        case .completions: path = "/completions"
        case .openAIEmbeddings: path = "/embeddings"
        case .teiEmbeddings: return
        }
        var body = exchange.body
        if let json = try? JSONParser.parse(body), json.objectValue != nil,
            (json["model"]?.stringValue ?? "").isEmpty, let model = config.upstreamModel
        {
            body = JSONWriter.bytes(json.setting("model", to: .string(model)))
        }
        if upstreamCurl == nil { upstreamCurl = try? CurlMulti(loop: loop) }
        guard let curl = upstreamCurl else {
            return respond(exchange, AWSError.internalFailure().restJSON(requestId: requestId))
        }
        var headers = [("Content-Type", "application/json")]
        if let key = config.upstreamKey { headers.append(("Authorization", "Bearer \(key)")) }
        let url = (base.hasSuffix("/") ? String(base.dropLast()) : base) + path
        let transfer = CurlTransfer(
            method: "POST", url: url, headers: headers, body: body, connectTimeout: 5, idleTimeout: 600)
        let key = ObjectIdentifier(exchange)
        var status = 0
        var buffered: [UInt8] = []
        var streamingStarted = false
        let invoked: [(String, String)] = [
            ("x-amzn-RequestId", requestId), ("x-Amzn-Invoked-Production-Variant", variant),
        ]
        transfer.onResponse = { code, responseHeaders in
            status = code
            guard streaming, code == 200 else { return }
            streamingStarted = true
            let type = responseHeaders.first { $0.0.lowercased() == "content-type" }?.1 ?? "application/json"
            exchange.startStreaming(
                status: 200,
                headers: invoked + [
                    ("Content-Type", "application/vnd.amazon.eventstream"), ("X-Amzn-SageMaker-Content-Type", type),
                ])
        }
        transfer.onData = { bytes in
            if streamingStarted {
                exchange.sendChunk(PayloadFramer.payloadPart(bytes))
            } else if buffered.count < 32 << 20 {
                buffered.append(contentsOf: bytes)
            }
            return .proceed
        }
        transfer.onComplete = { [unowned self] result in
            self.forwards[key] = nil
            exchange.onClientClose = nil
            switch result {
            case .failure(let error):
                Log.warning("upstream \(url) failed: \(error)")
                if streamingStarted {
                    exchange.sendChunk(PayloadFramer.modelStreamError(message: "\(error)", errorCode: "StreamBroken"))
                    exchange.finishStreaming()
                } else {
                    let failure = AWSError.model(
                        status: 502, body: "upstream \(url): \(error)", endpoint: endpoint, region: self.config.region)
                    self.respond(exchange, failure.restJSON(requestId: requestId))
                }
            case .success:
                if streamingStarted { return exchange.finishStreaming() }
                if status == 200 {
                    self.respond(exchange, (200, invoked + [("Content-Type", "application/json")], buffered))
                } else {
                    let failure = AWSError.model(
                        status: status, body: String(decoding: buffered, as: UTF8.self), endpoint: endpoint,
                        region: self.config.region)
                    self.respond(exchange, failure.restJSON(requestId: requestId))
                }
            }
        }
        exchange.onClientClose = { [unowned self] in
            if let transfer = self.forwards.removeValue(forKey: key) { curl.cancel(transfer) }
        }
        forwards[key] = transfer
        Log.debug("forwarding \(endpoint) to \(url) stream=\(streaming)")
        curl.add(transfer)
    }
}
