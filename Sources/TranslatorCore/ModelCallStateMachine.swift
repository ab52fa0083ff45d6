import GatewayWire

/// One model call's answer, from SageMaker's HTTP response to the frames the shim gets, as a state machine
/// in hummingbird's style: the session feeds it what curl reports (the response head, body bytes, the end)
/// and performs the actions it returns; no stream state lives in closures, and the whole path (status,
/// decoding, reasoning split, size cap, `ValidationError` fallback) is tested without a socket.
///
/// awaitingResponse ─200→ streaming ─end→ finished
///        └──other status→ refused (collects the error body) ─end→ finished
/// A decoding error or the size cap finishes it early; once finished every input returns no action.
package struct ModelCallStateMachine {
    package enum Action: Equatable {
        /// Write this frame to the shim.
        case send(TranslatorMessage)
        /// The answer is complete: end it (`TranslatorMessage.end`).
        case end
        /// Stop the transfer if it still runs and answer with this error.
        case fail(GatewayError)
        /// SageMaker or the container refused the call: map this answer to an error (which logs and tells
        /// credential trouble from model errors) and answer with it.
        case refuse(UpstreamRefusal)
        /// SageMaker refused the streaming call with a `ValidationError` (a container that cannot stream):
        /// ask again with `InvokeEndpoint` (`upstream_streaming: auto`).
        case fallBack
    }

    /// A non-200 answer, with at most `maxErrorBodyBytes` of its body.
    package struct UpstreamRefusal: Equatable {
        package var status: Int
        package var headers: [(String, String)]
        package var body: [UInt8]

        package init(status: Int, headers: [(String, String)], body: [UInt8]) {
            self.status = status
            self.headers = headers
            self.body = body
        }

        package static func == (lhs: UpstreamRefusal, rhs: UpstreamRefusal) -> Bool {
            lhs.status == rhs.status && lhs.body == rhs.body && lhs.headers.map(\.0) == rhs.headers.map(\.0)
                && lhs.headers.map(\.1) == rhs.headers.map(\.1)
        }

        /// `x-amzn-ErrorType`, SageMaker's error code (`ValidationError:...`), or "".
        package var errorType: String {
            headers.first(where: { $0.0.lowercased() == "x-amzn-errortype" })?.1 ?? ""
        }
    }

    private enum State {
        case awaitingResponse
        case streaming(receivedBytes: Int)
        case refused(UpstreamRefusal)
        case finished
    }

    /// An error body is only read for its message; a megabyte holds any SageMaker or container error.
    package static let maxErrorBodyBytes = 1 << 20

    private var state = State.awaitingResponse
    private var decoder: any ResponseStreamDecoder
    /// The decoder's outputs for one chunk; kept so each chunk does not allocate its own array.
    private var outputs: [SageMakerStreamDecoder.Output] = []
    /// The actions for one chunk, kept for the same reason: the caller drops its copy once it has performed
    /// them, so the next chunk empties this one in place.
    private var actions: [Action] = []
    private var reasoning: ReasoningFilter
    private let shape: ResponseShape
    private let maxAnswerBytes: Int?
    private let fallsBack: Bool

    /// - Parameters:
    ///   - maxAnswerBytes: a cap on the streamed body, for answers the shim assembles into one JSON object
    ///     (as SageMaker caps `InvokeEndpoint`); nil when the client streams.
    ///   - fallsBack: a 400 `ValidationError` asks for `.fallBack` instead of `.refuse`.
    package init(
        decoder: any ResponseStreamDecoder, reasoning: ReasoningMode, shape: ResponseShape,
        maxAnswerBytes: Int? = nil, fallsBack: Bool = false
    ) {
        self.decoder = decoder
        self.reasoning = ReasoningFilter(mode: reasoning)
        self.shape = shape
        self.maxAnswerBytes = maxAnswerBytes
        self.fallsBack = fallsBack
    }

    /// The final response's status and headers (curl's `onResponse`).
    package mutating func responseStarted(status: Int, headers: [(String, String)]) -> [Action] {
        guard case .awaitingResponse = state else { return [] }
        guard status == 200 else {
            state = .refused(UpstreamRefusal(status: status, headers: headers, body: []))
            return []
        }
        state = .streaming(receivedBytes: 0)
        return [.send(.accepted(shape))]
    }

    /// Body bytes as they arrive (curl's `onData`).
    package mutating func received(_ bytes: [UInt8]) -> [Action] {
        bytes.withUnsafeBytes { received($0) }
    }

    /// The same, borrowing curl's buffer for the call (`CurlTransfer.onDataBuffer`).
    package mutating func received(_ bytes: UnsafeRawBufferPointer) -> [Action] {
        switch state {
        case .awaitingResponse, .finished:
            return []
        case .refused(var refusal):
            let room = Self.maxErrorBodyBytes - refusal.body.count
            if room > 0 { refusal.body += bytes.prefix(room) }
            state = .refused(refusal)
            return []
        case .streaming(let receivedBytes):
            let total = receivedBytes + bytes.count
            if let maxAnswerBytes, total > maxAnswerBytes {
                state = .finished
                return [
                    .fail(GatewayError(.upstreamFailure, "The model's answer is larger than \(maxAnswerBytes) bytes."))
                ]
            }
            state = .streaming(receivedBytes: total)
            // Half the reads complete nothing; emptying an empty array still costs a generic call.
            if !outputs.isEmpty { outputs.removeAll(keepingCapacity: true) }
            decoder.append(bytes, into: &outputs)
            return shaped(outputs)
        }
    }

    /// The transfer ended without a transport error (curl's `onComplete` with success).
    package mutating func completed() -> [Action] {
        switch state {
        case .finished:
            return []
        case .awaitingResponse:
            // No status line at all: as for any answer that is not a 200.
            state = .finished
            return [.refuse(UpstreamRefusal(status: 0, headers: [], body: []))]
        case .refused(let refusal):
            state = .finished
            if fallsBack, refusal.status == 400, refusal.errorType.hasPrefix("ValidationError") {
                return [.fallBack]
            }
            return [.refuse(refusal)]
        case .streaming:
            var actions = shaped(decoder.finish())
            guard case .streaming = state else { return actions }
            actions += reasoning.finish().map { .send(.event($0)) }
            state = .finished
            return actions + [.end]
        }
    }

    /// The transfer failed (timeout, connection): the caller answers with the transport error; nothing
    /// more comes from here.
    package mutating func transportFailed() {
        state = .finished
    }

    /// A whole answer (`InvokeEndpoint`, read by `parse`) as the same actions a stream of its events gives.
    package static func wholeAnswer(
        status: Int, headers: [(String, String)], body: [UInt8], reasoning mode: ReasoningMode, shape: ResponseShape,
        parse: ([UInt8]) -> Result<[ModelEvent], GatewayError>
    ) -> [Action] {
        guard status == 200 else { return [.refuse(UpstreamRefusal(status: status, headers: headers, body: body))] }
        switch parse(body) {
        case .failure(let error): return [.fail(error)]
        case .success(let events):
            // One array, filled in place: the chain of flatMap, map and concatenations copied every event three
            // times, and a whole answer is the rest of its request in events.
            var reasoning = ReasoningFilter(mode: mode)
            var actions: [Action] = []
            actions.reserveCapacity(events.count + 2)
            actions.append(.send(.accepted(shape)))
            for event in events {
                if reasoning.passesThrough {
                    actions.append(.send(.event(event)))
                } else {
                    for shaped in reasoning.process(event) { actions.append(.send(.event(shaped))) }
                }
            }
            for shaped in reasoning.finish() { actions.append(.send(.event(shaped))) }
            actions.append(.end)
            return actions
        }
    }

    /// The one "decoder output → reasoning filter → frames" step; an error output finishes the answer.
    private mutating func shaped(_ outputs: [SageMakerStreamDecoder.Output]) -> [Action] {
        if !actions.isEmpty { actions.removeAll(keepingCapacity: true) }
        for output in outputs {
            switch output {
            case .event(let event) where reasoning.passesThrough:
                actions.append(.send(.event(event)))
            case .event(let event):
                actions += reasoning.process(event).map { .send(.event($0)) }
            case .error(let error):
                state = .finished
                actions.append(.fail(error))
                return actions
            }
        }
        return actions
    }
}
