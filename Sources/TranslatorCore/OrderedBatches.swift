/// Runs `count` batches with at most `concurrency` in flight and hands back their results in batch order,
/// whatever order they complete in. A pure state machine: the caller performs the launches it returns.
package struct OrderedBatches<Result> {
    package let count: Int
    package let concurrency: Int
    private var nextToLaunch = 0
    private var results: [Int: Result] = [:]

    package init(count: Int, concurrency: Int) {
        self.count = count
        self.concurrency = max(1, concurrency)
    }

    /// The batches to launch first.
    package mutating func start() -> [Int] {
        launches()
    }

    /// Records batch `index`'s result; returns the batches to launch next, and every result in order once
    /// the last one is in.
    package mutating func completed(_ index: Int, _ result: Result) -> (launch: [Int], all: [Result]?) {
        guard index >= 0, index < count, results[index] == nil else { return ([], nil) }
        results[index] = result
        guard results.count == count else { return (launches(), nil) }
        return ([], (0..<count).compactMap { results[$0] })
    }

    private var inFlight: Int { nextToLaunch - results.count }

    private mutating func launches() -> [Int] {
        var out: [Int] = []
        while nextToLaunch < count, inFlight < concurrency {
            out.append(nextToLaunch)
            nextToLaunch += 1
        }
        return out
    }
}
