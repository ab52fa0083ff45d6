import AWSEventStream
import GatewayWire
import ModelFormats
import Testing

@testable import TranslatorCore

/// The streamed model call without curl or a socket: response head, body bytes and end in, actions out.
@Suite("ModelCallStateMachine")
struct ModelCallStateMachineTests {
    typealias Action = ModelCallStateMachine.Action

    static func sse(_ content: String, finish: String? = nil) -> [UInt8] {
        let reason = finish.map { #","finish_reason":"\#($0)""# } ?? ""
        return Array((#"data: {"choices":[{"index":0,"delta":{"content":"\#(content)"}\#(reason)}]}"# + "\n\n").utf8)
    }

    static func machine(
        reasoning: ReasoningMode = .none, maxAnswerBytes: Int? = nil, fallsBack: Bool = false
    ) -> ModelCallStateMachine {
        ModelCallStateMachine(
            decoder: PlainStreamDecoder(), reasoning: reasoning, shape: ResponseShape(),
            maxAnswerBytes: maxAnswerBytes, fallsBack: fallsBack)
    }

    static func text(_ actions: [Action]) -> String {
        actions.map {
            if case .send(.event(.content(_, let text))) = $0 { return text }
            return ""
        }.joined()
    }

    @Test func aStreamIsAcceptedThenEventsThenEnd() {
        var call = Self.machine()
        #expect(call.responseStarted(status: 200, headers: []) == [.send(.accepted(ResponseShape()))])
        #expect(call.received(Self.sse("Hel")) == [.send(.event(.content(choice: 0, text: "Hel")))])
        #expect(
            call.received(Self.sse("lo", finish: "stop"))
                == [.send(.event(.content(choice: 0, text: "lo"))), .send(.event(.finish(choice: 0, reason: "stop")))])
        #expect(call.completed() == [.end])
        // Finished: nothing more, whatever curl still reports.
        #expect(call.received(Self.sse("late")).isEmpty)
        #expect(call.completed().isEmpty)
    }

    @Test func aLineSplitAcrossChunksIsHeldBackUntilWhole() {
        var call = Self.machine()
        _ = call.responseStarted(status: 200, headers: [])
        let bytes = Self.sse("hé")
        var actions: [Action] = []
        for byte in bytes { actions += call.received([byte]) }
        #expect(actions == [.send(.event(.content(choice: 0, text: "hé")))])
    }

    @Test func theLastLineWithoutItsBlankLineIsFlushedAtTheEnd() {
        var call = Self.machine()
        _ = call.responseStarted(status: 200, headers: [])
        let unterminated = Array(Self.sse("tail").dropLast(2))
        #expect(call.received(unterminated).isEmpty)
        #expect(call.completed() == [.send(.event(.content(choice: 0, text: "tail"))), .end])
    }

    @Test func reasoningIsSplitFromContentAndItsHeldBackTextFlushed() {
        var call = Self.machine(reasoning: .thinkTags)
        _ = call.responseStarted(status: 200, headers: [])
        var actions = call.received(Self.sse("<think>weigh</think>ans"))
        actions += call.received(Self.sse("wer <"))
        actions += call.completed()
        var reasoning = ""
        for case .send(.event(.reasoning(_, let text))) in actions { reasoning += text }
        #expect(reasoning == "weigh")
        #expect(Self.text(actions) == "answer <")
        #expect(actions.last == .end)
    }

    @Test func theSameBytesInSageMakersEventStreamGiveTheSameActions() {
        let sse = Self.sse("hi", finish: "stop")
        let part = EventStreamEncoder.encode(
            EventStreamMessage(
                headers: [
                    EventStreamHeader(name: ":message-type", value: .string("event")),
                    EventStreamHeader(name: ":event-type", value: .string("PayloadPart")),
                ], payload: sse))
        var plain = Self.machine()
        var framed = ModelCallStateMachine(decoder: SageMakerStreamDecoder(), reasoning: .none, shape: ResponseShape())
        let expected = plain.responseStarted(status: 200, headers: []) + plain.received(sse) + plain.completed()
        let actual = framed.responseStarted(status: 200, headers: []) + framed.received(part) + framed.completed()
        #expect(actual == expected)
        #expect(actual.count == 4)
    }

    @Test func aDecodingErrorFailsOnceAfterTheEventsBeforeIt() {
        var call = Self.machine()
        _ = call.responseStarted(status: 200, headers: [])
        let bytes = Self.sse("ok") + Array((#"data: {"error":{"message":"boom"}}"# + "\n\n").utf8) + Self.sse("late")
        let actions = call.received(bytes)
        #expect(actions.count == 2)
        #expect(actions.first == .send(.event(.content(choice: 0, text: "ok"))))
        guard case .fail(let error) = actions.last else {
            Issue.record("expected a failure, got \(actions)")
            return
        }
        #expect(error.message.contains("boom"))
        #expect(call.received(Self.sse("more")).isEmpty)
        #expect(call.completed().isEmpty)
    }

    @Test func anAssembledAnswerOverTheCapFails() {
        var call = Self.machine(maxAnswerBytes: 100)
        _ = call.responseStarted(status: 200, headers: [])
        let first = Self.sse("a")
        #expect(call.received(first) == [.send(.event(.content(choice: 0, text: "a")))])
        let actions = call.received([UInt8](repeating: 0x20, count: 101 - first.count))
        #expect(
            actions == [.fail(GatewayError(.upstreamFailure, "The model's answer is larger than 100 bytes."))])
        #expect(call.completed().isEmpty)
    }

    @Test func aRefusalCollectsItsBodyAndIsMappedAtTheEnd() {
        var call = Self.machine()
        let headers = [("x-amzn-ErrorType", "ModelError:http://internal.amazonaws.com/doc/2017-05-13/")]
        #expect(call.responseStarted(status: 424, headers: headers).isEmpty)
        #expect(call.received(Array(#"{"Message":"#.utf8)).isEmpty)
        #expect(call.received(Array(#""boom"}"#.utf8)).isEmpty)
        let refusal = ModelCallStateMachine.UpstreamRefusal(
            status: 424, headers: headers, body: Array(#"{"Message":"boom"}"#.utf8))
        #expect(call.completed() == [.refuse(refusal)])
        #expect(refusal.errorType.hasPrefix("ModelError"))
    }

    @Test func aRefusalsBodyIsCapped() {
        var call = Self.machine()
        _ = call.responseStarted(status: 500, headers: [])
        let chunk = [UInt8](repeating: 0x61, count: 700_000)
        _ = call.received(chunk)
        _ = call.received(chunk)
        guard case .refuse(let refusal)? = call.completed().first else {
            Issue.record("expected a refusal")
            return
        }
        #expect(refusal.body.count == ModelCallStateMachine.maxErrorBodyBytes)
    }

    @Test func aValidationErrorFallsBackOnlyWhenAllowed() {
        let headers = [("X-Amzn-ErrorType", "ValidationError:http://internal.amazonaws.com/doc/2017-05-13/")]
        var allowed = Self.machine(fallsBack: true)
        _ = allowed.responseStarted(status: 400, headers: headers)
        #expect(allowed.completed() == [.fallBack])

        var notAllowed = Self.machine()
        _ = notAllowed.responseStarted(status: 400, headers: headers)
        #expect(notAllowed.completed() == [.refuse(.init(status: 400, headers: headers, body: []))])

        // Another 400 is the container's answer, not SageMaker refusing the streaming call.
        var other = Self.machine(fallsBack: true)
        _ = other.responseStarted(status: 400, headers: [("x-amzn-ErrorType", "ModelError")])
        #expect(
            other.completed() == [.refuse(.init(status: 400, headers: [("x-amzn-ErrorType", "ModelError")], body: []))])
    }

    @Test func anEndWithoutAnyResponseIsARefusal() {
        var call = Self.machine()
        #expect(call.completed() == [.refuse(.init(status: 0, headers: [], body: []))])
    }

    @Test func afterATransportFailureNothingMoreIsDone() {
        var call = Self.machine()
        _ = call.responseStarted(status: 200, headers: [])
        call.transportFailed()
        #expect(call.received(Self.sse("x")).isEmpty)
        #expect(call.completed().isEmpty)
    }

    @Test func aWholeAnswerGivesTheSameActionsAsItsStream() {
        let body = Array(
            #"{"choices":[{"index":0,"message":{"role":"assistant","content":"<think>w</think>hi"},"finish_reason":"stop"}]}"#
                .utf8)
        let actions = ModelCallStateMachine.wholeAnswer(
            status: 200, headers: [], body: body, reasoning: .thinkTags, shape: ResponseShape(),
            parse: OpenAIResponseParser.events(from:))
        #expect(actions.first == .send(.accepted(ResponseShape())))
        #expect(actions.contains(.send(.event(.reasoning(choice: 0, text: "w")))))
        #expect(Self.text(actions) == "hi")
        #expect(actions.last == .end)

        let refused = ModelCallStateMachine.wholeAnswer(
            status: 503, headers: [], body: Array("busy".utf8), reasoning: .none, shape: ResponseShape(),
            parse: OpenAIResponseParser.events(from:))
        #expect(refused == [.refuse(.init(status: 503, headers: [], body: Array("busy".utf8)))])

        let unreadable = ModelCallStateMachine.wholeAnswer(
            status: 200, headers: [], body: Array("not json".utf8), reasoning: .none, shape: ResponseShape(),
            parse: OpenAIResponseParser.events(from:))
        guard case .fail = unreadable.first, unreadable.count == 1 else {
            Issue.record("expected one failure, got \(unreadable)")
            return
        }
    }
}
