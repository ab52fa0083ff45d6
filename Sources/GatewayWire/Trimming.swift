/// The gateway's two ways of trimming text, shared by every module that parses configuration, headers or
/// templates. Both compare Unicode scalars, not Characters: `"\r\n"` is one Character, so a Character-wise
/// test against `" \t\r\n"` would never match a lone `\n` (a trailing newline in a secret or an env file).
/// Byte-level trimming keeps its own spec'd rules where it lives: SigV4's canonical headers (AWSSigV4) and
/// HTTP's optional whitespace (EventLoop's request-head rules).
extension StringProtocol {
    /// Without the scalars of `set` at either end (`" \t"` for header values, `" \t\r\n"` for secrets).
    package func trimmed(of set: String) -> String {
        let members = Set(set.unicodeScalars)
        return trimmed { members.contains($0) }
    }

    /// Without Unicode whitespace at either end: Python's `str.strip()`, which is Jinja's `trim`.
    package func trimmingWhitespace() -> String {
        trimmed { $0.properties.isWhitespace }
    }

    private func trimmed(where isTrimmed: (Unicode.Scalar) -> Bool) -> String {
        var scalars = Substring(self).unicodeScalars
        while let first = scalars.first, isTrimmed(first) { scalars.removeFirst() }
        while let last = scalars.last, isTrimmed(last) { scalars.removeLast() }
        return String(scalars)
    }
}
