import Testing

@testable import TranslatorCore

@Suite struct OrderedBatchesTests {
    @Test func launchesUpToTheLimitAndAnswersInOrder() {
        var batches = OrderedBatches<String>(count: 5, concurrency: 2)
        #expect(batches.start() == [0, 1])
        var step = batches.completed(1, "b")
        #expect(step.launch == [2] && step.all == nil)
        step = batches.completed(2, "c")
        #expect(step.launch == [3] && step.all == nil)
        step = batches.completed(0, "a")
        #expect(step.launch == [4] && step.all == nil)
        step = batches.completed(4, "e")
        #expect(step.launch == [] && step.all == nil)
        step = batches.completed(3, "d")
        #expect(step.launch == [] && step.all == ["a", "b", "c", "d", "e"])
    }

    @Test func sequentialWhenConcurrencyIsOne() {
        var batches = OrderedBatches<Int>(count: 3, concurrency: 0)
        #expect(batches.start() == [0])
        #expect(batches.completed(0, 10).launch == [1])
        #expect(batches.completed(1, 11).launch == [2])
        #expect(batches.completed(2, 12).all == [10, 11, 12])
    }

    @Test func duplicateOrUnknownCompletionsAreIgnored() {
        var batches = OrderedBatches<Int>(count: 2, concurrency: 4)
        #expect(batches.start() == [0, 1])
        #expect(batches.completed(0, 1).all == nil)
        #expect(batches.completed(0, 99).launch == [] && batches.completed(7, 1).launch == [])
        #expect(batches.completed(1, 2).all == [1, 2])
    }

    @Test func oneBatch() {
        var batches = OrderedBatches<Int>(count: 1, concurrency: 4)
        #expect(batches.start() == [0])
        #expect(batches.completed(0, 5).all == [5])
    }
}
