#if canImport(Glibc)
    import Glibc
#endif

/// This process's resident memory, CPU time and open file descriptors, read at scrape time
/// (Prometheus's standard `process_*` names, labelled with the process so both appear on one page).
/// https://prometheus.io/docs/instrumenting/writing_clientlibs/#process-metrics
package struct ProcessStats: Equatable, Sendable {
    package var residentBytes: Double
    package var cpuSeconds: Double
    package var openFDs: Double
    package var maxFDs: Double

    package init(residentBytes: Double, cpuSeconds: Double, openFDs: Double, maxFDs: Double) {
        self.residentBytes = residentBytes
        self.cpuSeconds = cpuSeconds
        self.openFDs = openFDs
        self.maxFDs = maxFDs
    }

    /// The current figures; a file that cannot be read gives 0 for its figure rather than no page.
    package static func current() -> ProcessStats {
        let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        return ProcessStats(
            residentBytes: (residentPages(statm: readFile("/proc/self/statm")) ?? 0) * pageSize,
            cpuSeconds: cpuSeconds(),
            openFDs: Double(countOpenFDs()), maxFDs: Double(limit.rlim_cur))
    }

    /// `/proc/self/statm`: the second field is the resident set in pages.
    package static func residentPages(statm: [UInt8]) -> Double? {
        let fields = statm.split(whereSeparator: { $0 == 0x20 || $0 == 0x0A })
        guard fields.count >= 2 else { return nil }
        return Double(String(decoding: fields[1], as: UTF8.self))
    }

    /// User plus system CPU time in nanoseconds' precision. `/proc/self/stat` counts clock ticks (10 ms), so a
    /// process as frugal as the shim could show 0 after real work.
    private static func cpuSeconds() -> Double {
        var now = timespec()
        guard clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now) == 0 else { return 0 }
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1_000_000_000
    }

    private static func countOpenFDs() -> Int {
        guard let dir = opendir("/proc/self/fd") else { return 0 }
        defer { closedir(dir) }
        var n = 0
        while let entry = readdir(dir) {
            let isDot = withUnsafeBytes(of: entry.pointee.d_name) { $0.first == UInt8(ascii: ".") }
            if !isDot { n += 1 }
        }
        // The directory stream being read is one of them.
        return max(0, n - 1)
    }

    private static func readFile(_ path: String) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            out += buffer[0..<n]
        }
        return out
    }

    /// The `process_*` families for this process, labelled `process="<name>"`.
    package func families(process: String) -> [MetricFamily] {
        let label = [MetricLabel("process", process)]
        return [
            MetricFamily(
                name: "process_resident_memory_bytes", kind: .gauge, help: "Resident memory size in bytes.",
                samples: [MetricSample(labels: label, value: residentBytes)]),
            MetricFamily(
                name: "process_cpu_seconds_total", kind: .counter,
                help: "Total user and system CPU time spent in seconds.",
                samples: [MetricSample(labels: label, value: cpuSeconds)]),
            MetricFamily(
                name: "process_open_fds", kind: .gauge, help: "Number of open file descriptors.",
                samples: [MetricSample(labels: label, value: openFDs)]),
            MetricFamily(
                name: "process_max_fds", kind: .gauge, help: "Maximum number of open file descriptors.",
                samples: [MetricSample(labels: label, value: maxFDs)]),
        ]
    }
}
