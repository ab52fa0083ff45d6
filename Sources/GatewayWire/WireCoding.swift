import GatewayMetrics

// Frame payloads are compact JSON (our own writer, member order fixed) so a frame is readable in a
// packet capture; only `event` payloads, one per streamed token, are binary (WireCoding+Events.swift).

extension GatewayRequest {
    package func frame() -> Frame {
        var payload: [UInt8] = []
        writePayload(into: &payload)
        return Frame(kind: .request, payload: payload)
    }

    /// The request frame's payload, appended to `out`: the shim writes it straight into its link's
    /// output buffer, where building a `Frame` first cost an array and a copy per request.
    package func writePayload(into out: inout [UInt8]) {
        if case .chatCompletion(let chat) = operation { return writeChat(chat, into: &out) }
        var members: [(String, JSONValue)] = [("id", .string(requestId))]
        if let apiKey { members.append(("key", .string(apiKey))) }
        switch operation {
        case .chatCompletion(let chat):
            members.append(("op", .string("chat")))
            members.append(("model", .string(chat.model)))
            members.append(("messages", .array(chat.messages)))
            members.append(("stream", .bool(chat.stream)))
            members.append(("include_usage", .bool(chat.includeUsage)))
            members.append(("parameters", .object(chat.parameters)))
        case .completion(let completion):
            members += completionMembers(completion)
        case .embeddings(let embeddings):
            members += embeddingsMembers(embeddings)
        case .listModels:
            members.append(("op", .string("models")))
        case .retrieveModel(let id):
            members.append(("op", .string("model")))
            members.append(("model", .string(id)))
        case .health:
            members.append(("op", .string("health")))
        case .metrics:
            members.append(("op", .string("metrics")))
        }
        JSONWriter.write(.object(members), into: &out)
    }

    /// What the generic path writes for a chat, written member by member: every proxied chat request
    /// passes here, and gathering the members into an array first copied the request into it.
    private func writeChat(_ chat: ChatRequest, into out: inout [UInt8]) {
        out.reserveCapacity(out.count + 512)
        out.append(literal: #"{"id":"#)
        JSONWriter.writeString(requestId, into: &out)
        if let apiKey {
            out.append(literal: #","key":"#)
            JSONWriter.writeString(apiKey, into: &out)
        }
        out.append(literal: #","op":"chat","model":"#)
        JSONWriter.writeString(chat.model, into: &out)
        out.append(literal: #","messages":"#)
        chat.writeMessages(into: &out)
        out.append(literal: chat.stream ? #","stream":true"# : #","stream":false"#)
        out.append(literal: chat.includeUsage ? #","include_usage":true"# : #","include_usage":false"#)
        out.append(literal: #","parameters":"#)
        JSONWriter.write(.object(chat.parameters), into: &out)
        out.append(UInt8(ascii: "}"))
    }

    package init(frame: Frame) throws(FrameError) {
        guard frame.kind == .request else { throw FrameError.invalidPayload("expected a request frame") }
        if let request = ChatFrameReader.request(frame.payload) {
            self = request
            return
        }
        try self.init(parsing: frame)
    }

    /// `init(frame:)` for any layout: the frame's JSON parsed as a whole. The shim's own chat frames take
    /// `ChatFrameReader`'s way, which keeps their messages as the bytes written.
    init(parsing frame: Frame) throws(FrameError) {
        let json = try decodePayload(frame)
        guard let id = json["id"]?.stringValue, let op = json["op"]?.stringValue else {
            throw FrameError.invalidPayload("request without id or op")
        }
        let key = json["key"]?.stringValue
        switch op {
        case "chat":
            guard let model = json["model"]?.stringValue, let messages = json["messages"]?.arrayValue,
                let stream = json["stream"]?.boolValue, let includeUsage = json["include_usage"]?.boolValue,
                let parameters = json["parameters"]?.objectValue
            else { throw FrameError.invalidPayload("incomplete chat request") }
            let chat = ChatRequest(
                model: model, messages: messages, stream: stream, includeUsage: includeUsage, parameters: parameters)
            self.init(requestId: id, apiKey: key, operation: .chatCompletion(chat))
        case "completion":
            self.init(requestId: id, apiKey: key, operation: .completion(try CompletionRequest(wire: json)))
        case "embeddings":
            self.init(requestId: id, apiKey: key, operation: .embeddings(try EmbeddingsRequest(wire: json)))
        case "models":
            self.init(requestId: id, apiKey: key, operation: .listModels)
        case "model":
            guard let model = json["model"]?.stringValue else { throw FrameError.invalidPayload("model without id") }
            self.init(requestId: id, apiKey: key, operation: .retrieveModel(id: model))
        case "health":
            self.init(requestId: id, apiKey: key, operation: .health)
        case "metrics":
            self.init(requestId: id, apiKey: key, operation: .metrics)
        default:
            throw FrameError.invalidPayload("unknown op \(op)")
        }
    }
}

extension TranslatorMessage {
    package func frame() -> Frame {
        switch self {
        case .accepted(let shape): return Frame(kind: .accepted, payload: shape.wire)
        case .end: return Frame(kind: .end, payload: [])
        case .event(let event): return Frame(kind: .event, payload: event.wireBytes())
        case .error(let error):
            var members: [(String, JSONValue)] = [
                ("kind", .string(error.kind.rawValue)), ("message", .string(error.message)),
            ]
            if let param = error.param { members.append(("param", .string(param))) }
            if let retry = error.retryAfterSeconds { members.append(("retry_after", .int(retry))) }
            return Frame(kind: .error, payload: JSONWriter.bytes(.object(members)))
        case .models(let models):
            let list = models.map { m -> JSONValue in
                .object([("id", .string(m.id)), ("created", .int(m.created)), ("owned_by", .string(m.ownedBy))])
            }
            return Frame(kind: .models, payload: JSONWriter.bytes(.array(list)))
        case .health(let h):
            return Frame(
                kind: .health,
                payload: JSONWriter.bytes(.object([("ready", .bool(h.ready)), ("detail", .string(h.detail))])))
        case .embeddings(let result):
            return Frame(kind: .embeddings, payload: JSONWriter.bytes(result.wire))
        case .metrics(let families):
            return Frame(kind: .metrics, payload: JSONWriter.bytes(.array(families.map(\.wire))))
        }
    }

    package init(frame: Frame) throws(FrameError) {
        switch frame.kind {
        case .accepted: self = .accepted(ResponseShape(wire: frame.payload))
        case .end: self = .end
        case .event: self = .event(try ModelEvent(wire: frame.payload))
        case .error:
            let json = try decodePayload(frame)
            guard let raw = json["kind"]?.stringValue, let message = json["message"]?.stringValue else {
                throw FrameError.invalidPayload("error without kind or message")
            }
            // An older or newer peer may send a kind we do not know: still an error, never dropped.
            let kind = GatewayError.Kind(rawValue: raw) ?? .internalError
            self = .error(
                GatewayError(
                    kind, message, param: json["param"]?.stringValue, retryAfterSeconds: json["retry_after"]?.intValue))
        case .models:
            guard let list = try decodePayload(frame).arrayValue else {
                throw FrameError.invalidPayload("models not a list")
            }
            var models: [ModelInfo] = []
            for item in list {
                guard let id = item["id"]?.stringValue else { throw FrameError.invalidPayload("model without id") }
                models.append(
                    ModelInfo(
                        id: id, created: item["created"]?.intValue ?? 0, ownedBy: item["owned_by"]?.stringValue ?? ""))
            }
            self = .models(models)
        case .health:
            let json = try decodePayload(frame)
            guard let ready = json["ready"]?.boolValue else { throw FrameError.invalidPayload("health without ready") }
            self = .health(HealthStatus(ready: ready, detail: json["detail"]?.stringValue ?? ""))
        case .embeddings:
            self = .embeddings(try EmbeddingsResult(wire: try decodePayload(frame)))
        case .metrics:
            guard let list = try decodePayload(frame).arrayValue else {
                throw FrameError.invalidPayload("metrics not a list")
            }
            var families: [MetricFamily] = []
            for item in list { families.append(try MetricFamily(wire: item)) }
            self = .metrics(families)
        case .request:
            throw FrameError.invalidPayload("a request frame from the translator")
        case .heartbeat:
            throw FrameError.invalidPayload("a heartbeat carries no message (the reader handles it)")
        case .cancel, .credit:
            throw FrameError.invalidPayload("a \(frame.kind) frame from the translator")
        }
    }
}

func decodePayload(_ frame: Frame) throws(FrameError) -> JSONValue {
    do {
        return try JSONParser.parse(frame.payload)
    } catch {
        throw FrameError.invalidPayload("payload is not JSON: \(error)")
    }
}
