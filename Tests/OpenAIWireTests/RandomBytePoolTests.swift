import Testing

@testable import OpenAIWire

@Suite struct RandomBytePoolTests {
    /// Requests of every size, including ones that straddle and exceed a pool's 512 bytes, come back full
    /// and never repeat what an earlier request got.
    @Test func fillsAnyLengthWithFreshBytes() {
        var seen = Set<[UInt8]>()
        for count in [1, 7, 8, 300, 511, 512, 513, 1500] {
            var bytes = [UInt8](repeating: 0, count: count)
            bytes.withUnsafeMutableBytes { RandomBytePool.fill($0) }
            if count >= 8 {
                #expect(seen.insert(bytes).inserted)
                // 8 zero bytes in a row from the kernel: 2^-64.
                #expect(bytes.contains { $0 != 0 })
            }
        }
    }

    /// Each byte value turns up about equally often over 256 KiB (expected 1,024 each; the bounds are
    /// over 12 standard deviations wide, so only a biased or stuck pool fails).
    @Test func bytesAreRoughlyUniform() {
        var counts = [Int](repeating: 0, count: 256)
        var bytes = [UInt8](repeating: 0, count: 4096)
        for _ in 0..<64 {
            bytes.withUnsafeMutableBytes { RandomBytePool.fill($0) }
            for b in bytes { counts[Int(b)] += 1 }
        }
        #expect(counts.allSatisfy { (640...1408).contains($0) })
    }

    @Test func idsDoNotRepeat() {
        var ids = Set<String>()
        for _ in 0..<10_000 { ids.insert(RequestID.request()) }
        #expect(ids.count == 10_000)
    }
}
