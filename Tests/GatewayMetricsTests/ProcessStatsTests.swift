import Testing

@testable import GatewayMetrics

@Suite struct ProcessStatsTests {
    @Test func residentPagesIsStatmsSecondField() {
        #expect(ProcessStats.residentPages(statm: Array("2372 1024 800 1 0 300 0\n".utf8)) == 1024)
        #expect(ProcessStats.residentPages(statm: Array("12".utf8)) == nil)
        #expect(ProcessStats.residentPages(statm: []) == nil)
    }

    @Test func thisProcessHasMemoryCPUAndDescriptors() {
        let stats = ProcessStats.current()
        #expect(stats.residentBytes > Double(1 << 20))
        #expect(stats.cpuSeconds > 0)
        // Nanosecond precision: a little work always shows (procfs ticks are 10 ms).
        var x = 0
        for i in 0..<100_000 { x &+= i &* i }
        #expect(x != 0 && ProcessStats.current().cpuSeconds > stats.cpuSeconds)
        #expect(stats.openFDs >= 3)
        #expect(stats.maxFDs >= stats.openFDs)
    }
}
