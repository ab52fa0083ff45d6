extension TranslatorMessage {
    /// Appends this message as one frame of `stream` to `out`, written in place: an event, the per-token
    /// message, goes straight into the buffer with no payload array of its own.
    package func append(stream: UInt32, to out: inout [UInt8]) {
        if case .event(let event) = self {
            Frame.append(kind: .event, stream: stream, to: &out) { event.encodeWire(into: &$0) }
            return
        }
        let frame = self.frame()
        Frame.append(kind: frame.kind, stream: stream, to: &out) { $0.append(contentsOf: frame.payload) }
    }

    /// The translator sends nothing more for the exchange after this message.
    package var endsExchange: Bool {
        switch self {
        case .accepted, .event: return false
        case .error, .end, .models, .health, .embeddings, .metrics: return true
        }
    }
}
