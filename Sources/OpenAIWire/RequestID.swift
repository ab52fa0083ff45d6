/// Response ids in OpenAI's shape: `chatcmpl-` and 29 alphanumerics.
package enum RequestID {
    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")

    package static func chatCompletion() -> String {
        "chatcmpl-" + random(count: 29)
    }

    /// `cmpl-` and 29 alphanumerics, as legacy completions are named.
    package static func completion() -> String {
        "cmpl-" + random(count: 29)
    }

    /// `count` alphanumerics from the system generator. Deliberately not generic over a
    /// `RandomNumberGenerator` passed `inout`: under ThreadSanitizer Swift instruments that access with
    /// the generator's address, and `SystemRandomNumberGenerator` is empty, so its "address" is a
    /// placeholder the TSan runtime faults on (swiftlang/swift#35579 skips only types known to be empty
    /// where the access is compiled, not a generic parameter).
    package static func random(count: Int) -> String {
        var out = ""
        out.reserveCapacity(count)
        for _ in 0..<count {
            out.append(alphabet[Int.random(in: 0..<alphabet.count)])
        }
        return out
    }
}
