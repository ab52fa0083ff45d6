import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Kernel randomness for ids, fetched 512 bytes at a time. `SystemRandomNumberGenerator` makes one
/// `getrandom` system call per 64-bit draw: seven a chat request in the shim, about 5% of its CPU per request.
/// The bytes come from the same kernel source (`arc4random_buf` is `getrandom` in glibc 2.36+), only fewer,
/// larger reads; the pool is process-wide and locked because ids are made wherever a request is.
package enum RandomBytePool {
    private static let capacity = 512

    private struct Pool: ~Copyable {
        var bytes = [UInt8](repeating: 0, count: RandomBytePool.capacity)
        var used = RandomBytePool.capacity

        mutating func refill() {
            bytes.withUnsafeMutableBytes { raw in
                guard let base = raw.baseAddress else { return }
                #if canImport(Glibc)
                    arc4random_buf(base, raw.count)
                #else
                    var generator = SystemRandomNumberGenerator()
                    for i in stride(from: 0, to: raw.count, by: 8) {
                        raw.storeBytes(of: generator.next() as UInt64, toByteOffset: i, as: UInt64.self)
                    }
                #endif
            }
            used = 0
        }
    }

    private static let pool = Mutex(Pool())

    /// Fills `buffer` with random bytes; any length works (longer requests take several pools' worth).
    package static func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        var filled = 0
        pool.withLock { pool in
            while filled < buffer.count {
                if pool.used == capacity { pool.refill() }
                let n = min(capacity - pool.used, buffer.count - filled)
                pool.bytes.withUnsafeBytes { source in
                    guard let from = source.baseAddress, let to = buffer.baseAddress else { return }
                    (to + filled).copyMemory(from: from + pool.used, byteCount: n)
                }
                // Each byte goes to one caller only.
                pool.used += n
                filled += n
            }
        }
    }
}
