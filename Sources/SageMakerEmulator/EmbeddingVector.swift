/// The emulator's deterministic embedding for a text: a pure function of the text and dimension count, so
/// a test can compute the vector it must receive (Tests/integration/emulator_vectors.py is the same
/// algorithm) and compare bit for bit.
///
/// seed = FNV-1a 64 of the text's UTF-8; element i = splitmix64's (i+1)-th output, top 24 bits taken as
/// k in [0, 2^24), value (k - 2^23) / 2^23: exactly representable in float32, in [-1, 1), with up to nine
/// significant digits in its shortest decimal form.
enum EmbeddingVector {
    static let defaultDimensions = 8

    static func vector(for text: String, dimensions: Int) -> [Float] {
        var state = fnv1a64(Array(text.utf8))
        return (0..<dimensions).map { _ in
            state = state &+ 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            let k = Int(z >> 40)
            return Float(k - (1 << 23)) / Float(1 << 23)
        }
    }

    /// Token ids are embedded as the text `tokens:1 2 3`.
    static func text(forTokenIds ids: [Int]) -> String {
        "tokens:" + ids.map(String.init).joined(separator: " ")
    }

    static func fnv1a64(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
