/// Response ids in OpenAI's shape: `chatcmpl-` and 29 alphanumerics.
package enum RequestID {
    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")

    package static func chatCompletion() -> String {
        var generator = SystemRandomNumberGenerator()
        return chatCompletion(using: &generator)
    }

    package static func chatCompletion<G: RandomNumberGenerator>(using generator: inout G) -> String {
        "chatcmpl-" + random(count: 29, using: &generator)
    }

    /// `cmpl-` and 29 alphanumerics, as legacy completions are named.
    package static func completion() -> String {
        var generator = SystemRandomNumberGenerator()
        return "cmpl-" + random(count: 29, using: &generator)
    }

    package static func random<G: RandomNumberGenerator>(count: Int, using generator: inout G) -> String {
        var out = ""
        out.reserveCapacity(count)
        for _ in 0..<count {
            out.append(alphabet[Int.random(in: 0..<alphabet.count, using: &generator)])
        }
        return out
    }
}
