import ShimCore
import Testing

@Suite("StreamTable")
struct StreamTableTests {
    final class Box {
        let id: Int
        init(_ id: Int) { self.id = id }
    }

    /// Random inserts, replacements, lookups and removals agree with a `Dictionary` at every step: ids in sequence
    /// as the link hands them out, ids a table's size apart (sharing a slot), and ids near the wrap of UInt32.
    @Test(arguments: [UInt32(1), UInt32.max - 40])
    func agreesWithADictionary(firstStream: UInt32) {
        var table = StreamTable(capacity: 4)
        var model: [UInt32: Box] = [:]
        var generator = SystemRandomNumberGenerator()
        var next = firstStream
        var serial = 0
        for _ in 0..<20_000 {
            let roll = Int.random(in: 0..<10, using: &generator)
            let stream: UInt32
            switch roll {
            case 0..<4:
                stream = next
                next &+= 1
            case 4..<6:
                // A slot's worth of ids away from an open one, or one never used.
                let apart: UInt32 = [16, 32, 64, 0][Int.random(in: 0..<4, using: &generator)]
                stream = (model.keys.randomElement(using: &generator) ?? next) &+ apart
            default:
                stream = model.keys.randomElement(using: &generator) ?? next
            }
            if roll < 7 {
                serial += 1
                let box = Box(serial)
                table[stream] = box
                model[stream] = box
            } else {
                table[stream] = nil
                model[stream] = nil
            }
            #expect(table.count == model.count)
            #expect(table[stream] === model[stream])
        }
        for (stream, box) in model { #expect(table[stream] === box) }
        #expect(Set(table.values.compactMap { ($0 as? Box)?.id }) == Set(model.values.map(\.id)))
        let held = table.removeAll()
        #expect(held.count == model.count)
        #expect(table.isEmpty)
        for stream in model.keys { #expect(table[stream] == nil) }
    }

    /// Removing from the middle of a run of shared slots leaves every later entry findable.
    @Test func removalKeepsRunsReachable() {
        var table = StreamTable(capacity: 16)
        let streams: [UInt32] = [3, 19, 4, 35, 5, 51]
        for (i, stream) in streams.enumerated() { table[stream] = Box(i) }
        for removed in streams {
            var rest = table
            rest[removed] = nil
            for (i, stream) in streams.enumerated() where stream != removed {
                #expect((rest[stream] as? Box)?.id == i, "\(removed) \(stream)")
            }
            #expect(rest[removed] == nil)
        }
    }
}
