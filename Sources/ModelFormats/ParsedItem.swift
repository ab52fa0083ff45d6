import GatewayWire

/// One thing a container's stream said: a model event, the end marker, or an error.
package enum ParsedItem: Equatable, Sendable {
    case event(ModelEvent)
    /// `data: [DONE]`; JSON-lines streams have no marker and just end.
    case done
    case error(GatewayError)
}
