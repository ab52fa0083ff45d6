import GatewayWire

/// Test directives written in the last user message (`[tokens=5]`, `[throttle]`, ...), which make the emulated
/// model misbehave on purpose. They are removed from the text the model echoes.
struct Directives: Equatable {
    var tokens: Int?
    var delayMs = 0
    var firstTokenDelayMs = 0
    var failAfter: Int?
    var modelError: Int?
    var throttle = false
    var notReady = false
    var unavailable = false
    var internalFailure = false
    var internalDependency = false
    var jsonLines = false
    var noUsage = false
    var partBytes: Int?
    /// `[tool_call=name]`, once per call: the model calls these tools (from the request's `tools`), in order.
    var toolCalls: [String] = []
    /// `[reasoning=N]`: N reasoning tokens before the answer.
    var reasoningTokens: Int?
    /// `[reasoning_field=reasoning|reasoning_content|both]`: the field(s) the reasoning is written in; `both`
    /// is a server in transition that sends the same text under both names.
    var reasoningField: String?
    /// `[echo_request]`: the answer is the request body as the container received it, so a test can see
    /// what the gateway passed through.
    var echoRequest = false

    static let reasoningFields = ["reasoning_content", "reasoning", "both"]

    /// The answer is rendered up front, so `[tokens=N]` is capped to keep that bounded.
    static let maxTokens = 100_000

    /// Every directive the emulator understands, for the usage text and the report.
    static let names = [
        "tokens=N", "delay_ms=N", "first_token_delay_ms=N", "fail_after=N", "model_error=CODE", "throttle",
        "not_ready", "unavailable", "internal", "internal_dependency", "jsonlines", "no_usage", "part_bytes=N",
        "tool_call=NAME", "reasoning=N", "echo_request", "reasoning_field=reasoning|reasoning_content|both",
    ]

    /// Parses `[name]` / `[name=value]` tokens; an unknown bracketed word is ordinary text and stays.
    /// Returns the directives and the text without them, whitespace around removed ones collapsed.
    static func parse(_ text: String) -> (Directives, String) {
        var directives = Directives()
        var kept = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "[") {
            guard let close = rest[open...].firstIndex(of: "]") else { break }
            let inner = rest[rest.index(after: open)..<close]
            if directives.apply(inner) {
                kept += rest[..<open]
                rest = rest[rest.index(after: close)...]
                // Swallow one space so "a [x] b" becomes "a b".
                if kept.last == " " || kept.isEmpty, rest.first == " " { rest = rest.dropFirst() }
            } else {
                kept += rest[...open]
                rest = rest[rest.index(after: open)...]
            }
        }
        kept += rest
        return (directives, kept.trimmingWhitespace())
    }

    private mutating func apply(_ inner: Substring) -> Bool {
        let parts = inner.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let name = parts[0]
        let number = parts.count == 2 ? Int(parts[1]) : nil
        switch (name, parts.count) {
        case ("throttle", 1): throttle = true
        case ("not_ready", 1): notReady = true
        case ("unavailable", 1): unavailable = true
        case ("internal", 1): internalFailure = true
        case ("internal_dependency", 1): internalDependency = true
        case ("jsonlines", 1): jsonLines = true
        case ("no_usage", 1): noUsage = true
        case ("echo_request", 1): echoRequest = true
        case ("tokens", 2): guard let n = number, (0...Self.maxTokens).contains(n) else { return false }; tokens = n
        case ("delay_ms", 2): guard let n = number, n >= 0 else { return false }; delayMs = n
        case ("first_token_delay_ms", 2): guard let n = number, n >= 0 else { return false }; firstTokenDelayMs = n
        case ("fail_after", 2): guard let n = number, n >= 0 else { return false }; failAfter = n
        case ("model_error", 2): guard let n = number, (100...599).contains(n) else { return false }; modelError = n
        case ("part_bytes", 2): guard let n = number, n >= 1 else { return false }; partBytes = n
        case ("tool_call", 2): guard !parts[1].isEmpty else { return false }; toolCalls.append(String(parts[1]))
        case ("reasoning", 2):
            guard let n = number, (0...Self.maxTokens).contains(n) else { return false }
            reasoningTokens = n
        case ("reasoning_field", 2):
            guard Self.reasoningFields.contains(String(parts[1])) else { return false }
            reasoningField = String(parts[1])
        default: return false
        }
        return true
    }
}
