/// A configuration the translator refuses to start with; the message says what to set.
package struct ConfigError: Error, Equatable, CustomStringConvertible {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}
