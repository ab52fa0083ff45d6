/// Response ids in OpenAI's shape: `chatcmpl-` and 29 alphanumerics.
package enum RequestID {
    /// A `StaticString`, not a static array: each draw of an id read the array through its lazy
    /// initialization check and a bounds check. Its `letterCount` letters are what `random` draws among.
    static let alphabet: StaticString = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    /// `alphabet`'s length (a test holds them equal), as a constant the letters are drawn with.
    static let letterCount = 62

    package static func chatCompletion() -> String {
        random(count: 29, after: "chatcmpl-")
    }

    /// `cmpl-` and 29 alphanumerics, as legacy completions are named.
    package static func completion() -> String {
        random(count: 29, after: "cmpl-")
    }

    /// `count` alphanumerics from kernel randomness (`RandomBytePool`). Deliberately not generic over a
    /// `RandomNumberGenerator` passed `inout`: under ThreadSanitizer Swift instruments that access with
    /// the generator's address, and `SystemRandomNumberGenerator` is empty, so its "address" is a
    /// placeholder the TSan runtime faults on (swiftlang/swift#35579 skips only types known to be empty
    /// where the access is compiled, not a generic parameter).
    package static func random(count: Int) -> String {
        random(count: count, after: "")
    }

    /// `prefix` then `count` alphanumerics, composed in temporary memory and made one String: `prefix +
    /// random(count:)` made the random part a String of its own and then copied both into a third, and
    /// `String(unsafeUninitializedCapacity:)` validated what was written byte by byte (some 250 instructions an
    /// id), where `String(decoding:)` judges ASCII eight bytes at a time.
    private static func random(count: Int, after prefix: StaticString) -> String {
        let prefixCount = prefix.utf8CodeUnitCount
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: prefixCount + count) { buffer in
            guard let base = buffer.baseAddress else { return "" }
            base.update(from: prefix.utf8Start, count: prefixCount)
            fillAlphanumerics(UnsafeMutableBufferPointer(start: base + prefixCount, count: count))
            return String(decoding: UnsafeBufferPointer(buffer), as: UTF8.self)
        }
    }

    /// Letters are the base-62 digits of kernel random words (`RandomBytePool`), ten to a word: a word's full
    /// product by 62 has the next letter in its high half and the rest of the word in its low half. Ten
    /// digits use the word's 64 bits whole (62^10 is 0.05 of 2^64), so each letter is uniform to within
    /// 62/2^55 and a word's ten letters carry 59.5 bits, the most ten alphanumerics can. Drawing a byte a
    /// letter, redrawing those of 248 and up and mapping the rest by `%`, cost some 19 instructions a letter,
    /// about 900 a chat request for its two ids.
    private static func fillAlphanumerics(_ run: UnsafeMutableBufferPointer<UInt8>) {
        guard let base = run.baseAddress, !run.isEmpty else { return }
        let wordCount = (run.count + lettersPerWord - 1) / lettersPerWord
        let letters = alphabet.utf8Start
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: wordCount) { words in
            RandomBytePool.fill(UnsafeMutableRawBufferPointer(words))
            var at = base
            let end = base + run.count
            for word in words {
                var rest = word
                let stop = min(at + lettersPerWord, end)
                while at < stop {
                    let (letter, remainder) = rest.multipliedFullWidth(by: UInt64(letterCount))
                    at.pointee = letters[Int(letter)]
                    rest = remainder
                    at += 1
                }
            }
        }
    }

    /// Base-62 digits a 64-bit word yields whole (62^10 < 2^64 < 62^11).
    static let lettersPerWord = 10

    /// The client's `x-request-id`, if it is one we can carry into frames, headers and log lines as it is:
    /// 1 to 128 characters of `A-Za-z0-9._:-` (UUIDs and ULIDs pass). Anything else gets a fresh id: it could
    /// forge log fields, break the response header or grow every log line.
    package static func sanitized(clientHeader value: String?) -> String? {
        guard let value, !value.isEmpty, value.utf8.count <= 128 else { return nil }
        for b in value.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"),
                UInt8(ascii: "-"):
                continue
            default:
                return nil
            }
        }
        return value
    }

    /// A request id of the shim's own: `req_` and 20 alphanumerics.
    package static func request() -> String {
        random(count: 20, after: "req_")
    }
}
