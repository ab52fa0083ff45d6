/// The grants of the last few keys that passed, so a client sending the same key on every request is not
/// hashed and compared against the whole set each time (the profile showed that as a twentieth of a request).
///
/// Valid only while the key sets it was filled from are unchanged: `APIKeyCache` empties it whenever a fetch
/// replaces the fetched set, so a revoked or rotated key stops passing exactly when it did without it.
///
/// A lookup compares the candidate with every entry, each over the candidate's own length with no early exit,
/// so its time depends on the candidate's length alone: never on which entry matched, how many leading bytes
/// did, or how long the remembered keys are. The remembered keys live only in this process's memory, as the
/// request that carried them did; they are never logged.
struct RecentGrants: Sendable {
    private struct Entry: Sendable {
        var key: [UInt8]
        var grant: APIKeyGrant
    }

    static let capacity = 4

    private var entries: [Entry] = []
    private var nextSlot = 0

    /// The grant remembered for `key`, or nil.
    func grant(for key: String) -> APIKeyGrant? {
        guard !entries.isEmpty else { return nil }
        let found =
            key.utf8.withContiguousStorageIfAvailable { match(in: $0) }
            ?? Array(key.utf8).withUnsafeBufferPointer { match(in: $0) }
        return found.map { entries[$0].grant }
    }

    private func match(in candidate: UnsafeBufferPointer<UInt8>) -> Int? {
        var match: Int?
        for index in entries.indices {
            let sameLength = entries[index].key.count == candidate.count
            var diff: UInt8 = sameLength ? 0 : 1
            entries[index].key.withUnsafeBufferPointer { stored in
                // A key of another length is compared with the candidate itself, so the loop is the same.
                let other = sameLength ? stored : candidate
                for offset in 0..<candidate.count { diff |= candidate[offset] ^ other[offset] }
            }
            if diff == 0 && match == nil { match = index }
        }
        return match
    }

    mutating func remember(_ key: String, _ grant: APIKeyGrant) {
        guard !key.isEmpty else { return }
        let entry = Entry(key: Array(key.utf8), grant: grant)
        if entries.count < Self.capacity {
            entries.append(entry)
        } else {
            entries[nextSlot] = entry
            nextSlot = (nextSlot + 1) % Self.capacity
        }
    }

    mutating func removeAll() {
        entries.removeAll()
        nextSlot = 0
    }
}
