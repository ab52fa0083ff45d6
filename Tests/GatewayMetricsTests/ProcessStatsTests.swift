import Testing

@testable import GatewayMetrics

@Suite struct ProcessStatsTests {
    @Test func residentPagesIsStatmsSecondField() {
        #expect(ProcessStats.residentPages(statm: Array("2372 1024 800 1 0 300 0\n".utf8)) == 1024)
        #expect(ProcessStats.residentPages(statm: Array("12".utf8)) == nil)
        #expect(ProcessStats.residentPages(statm: []) == nil)
    }

    /// The command name may hold spaces and parentheses; fields are counted after the last `)`.
    @Test func cpuTicksAreUtimePlusStime() {
        let stat = "4242 (odd) name)) S 1 4242 4242 0 -1 4194560 500 0 0 0 150 25 0 0 20 0 1 0 900 1000000 300\n"
        #expect(ProcessStats.cpuTicks(stat: Array(stat.utf8)) == 175)
        #expect(ProcessStats.cpuTicks(stat: Array("4242 (x) S 1 2".utf8)) == nil)
        #expect(ProcessStats.cpuTicks(stat: Array("no parenthesis".utf8)) == nil)
    }

    @Test func thisProcessHasMemoryCPUAndDescriptors() {
        let stats = ProcessStats.current()
        #expect(stats.residentBytes > Double(1 << 20))
        #expect(stats.cpuSeconds > 0)
        #expect(stats.openFDs >= 3)
        #expect(stats.maxFDs >= stats.openFDs)
    }
}
