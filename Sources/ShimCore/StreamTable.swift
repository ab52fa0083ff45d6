/// Objects by stream id, for ids handed out in sequence (the shim's open calls to the translator): a power-of-two
/// table indexed by an id's low bits and probed linearly, so a lookup is an index and a comparison or two, where a
/// `Dictionary` hashed the id (SipHash) for each of a request's three uses, some 500 instructions a request.
///
/// Kept at most half full, so probes stay short even when a long-lived stream shares its slot with a later id.
/// Removal shifts the entries after a hole back (no tombstones), so a table that has served many ids is as fast
/// as a new one.
///
/// Of `AnyObject`, not generic over the type held: unspecialized in the module that uses it (even marked
/// inlinable), every access looked up its entry type's metadata, and cost more than the dictionary it replaced.
/// `TranslatorLink` keeps one kind of object in it and casts back.
package struct StreamTable {
    package typealias Value = AnyObject

    private struct Entry {
        var stream: UInt32
        /// nil: the slot is free.
        var value: Value?
    }

    private var entries: [Entry]
    private var storedCount = 0

    /// `capacity`: slots to begin with, rounded up to a power of two (the table grows as it fills).
    package init(capacity: Int = 16) {
        var slots = 2
        while slots < capacity { slots *= 2 }
        entries = Array(repeating: Entry(stream: 0, value: nil), count: slots)
    }

    package var count: Int { storedCount }

    package var isEmpty: Bool { storedCount == 0 }

    /// The objects held, in no particular order.
    package var values: [Value] { entries.compactMap(\.value) }

    package subscript(stream: UInt32) -> Value? {
        get {
            guard let slot = slot(of: stream) else { return nil }
            return entries[slot].value
        }
        set {
            if let newValue {
                insert(newValue, for: stream)
            } else if let slot = slot(of: stream) {
                remove(at: slot)
            }
        }
    }

    /// Empties the table and returns what it held, in no particular order.
    package mutating func removeAll() -> [Value] {
        let held = values
        for slot in entries.indices { entries[slot].value = nil }
        storedCount = 0
        return held
    }

    private var mask: Int { entries.count - 1 }

    private func slot(of stream: UInt32) -> Int? {
        var slot = Int(truncatingIfNeeded: stream) & mask
        while entries[slot].value != nil {
            if entries[slot].stream == stream { return slot }
            slot = (slot + 1) & mask
        }
        return nil
    }

    private mutating func insert(_ value: Value, for stream: UInt32) {
        var slot = Int(truncatingIfNeeded: stream) & mask
        while entries[slot].value != nil {
            if entries[slot].stream == stream {
                entries[slot].value = value
                return
            }
            slot = (slot + 1) & mask
        }
        entries[slot] = Entry(stream: stream, value: value)
        storedCount += 1
        if storedCount * 2 > entries.count { grow() }
    }

    /// Frees `hole` and moves back each following entry of the run that its probe from home would no longer reach.
    private mutating func remove(at slot: Int) {
        var hole = slot
        entries[hole].value = nil
        storedCount -= 1
        var next = (hole + 1) & mask
        while entries[next].value != nil {
            let home = Int(truncatingIfNeeded: entries[next].stream) & mask
            // The entry may fill the hole when its home is not cyclically after the hole (up to `next`).
            if (next - home) & mask >= (next - hole) & mask {
                entries[hole] = entries[next]
                entries[next].value = nil
                hole = next
            }
            next = (next + 1) & mask
        }
    }

    private mutating func grow() {
        let old = entries
        entries = Array(repeating: Entry(stream: 0, value: nil), count: old.count * 2)
        storedCount = 0
        for entry in old {
            if let value = entry.value { insert(value, for: entry.stream) }
        }
    }
}
