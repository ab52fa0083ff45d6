import EventLoop
import GatewayLog
import Glibc
import Testing

@Suite("LibeventLog")
struct LibeventLogTests {
    /// With batched epoll changes, epoll refusing a regular file is only found when libevent applies the
    /// change inside the loop, and libevent reports it by logging. That line must be one of ours: a JSON
    /// object under `LOG_FORMAT=json`, not libevent's `[warn]` text.
    @Test func libeventsWarningsAreJSONLogLines() throws {
        let lines = try capturingStandardError {
            let saved = Log.format
            Log.format = .json
            defer { Log.format = saved }
            let loop = try EventLoop(batchingEpollChanges: true)
            let fd = open("/proc/self/exe", O_RDONLY)
            #expect(fd >= 0)
            defer { close(fd) }
            let watcher = SocketWatcher(loop: loop, fd: fd) { _, _ in }
            try watcher.watch(readable: true, writable: false)
            let tick = Timer(loop: loop) { loop.stop() }
            tick.schedule(after: 0.01)
            #expect(runLoop(loop, timeout: 3))
        }
        let ours = lines.filter { $0.contains("on fd") && $0.contains("Operation not permitted") }
        #expect(ours.count == 1, "stderr: \(lines)")
        #expect(!lines.contains { $0.hasPrefix("[warn]") }, "stderr: \(lines)")
        let line = try #require(ours.first)
        #expect(line.hasPrefix("{\"ts\":\""))
        #expect(line.hasSuffix("}"))
        #expect(line.contains("\"level\":\"warning\""))
        #expect(line.contains("\"msg\":\"Epoll ADD(1) on fd "))
        #expect(line.contains("\"source\":\"libevent\""))
    }
}

/// Runs `body` with file descriptor 2 sent to a temporary file and returns what was written there, line by
/// line. Other tests running meanwhile lose their stderr to it, which none of them reads.
private func capturingStandardError(_ body: () throws -> Void) throws -> [Substring] {
    var template = Array("/tmp/libevent-log-XXXXXX".utf8CString)
    let file = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
        guard let path = buffer.baseAddress else { return -1 }
        let fd = mkstemp(path)
        if fd >= 0 { unlink(path) }
        return fd
    }
    try #require(file >= 0)
    defer { close(file) }
    let saved = dup(2)
    try #require(saved >= 0)
    dup2(file, 2)
    do {
        try body()
    } catch {
        dup2(saved, 2)
        close(saved)
        throw error
    }
    dup2(saved, 2)
    close(saved)
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    lseek(file, 0, SEEK_SET)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(file, $0.baseAddress, $0.count) }
        if n <= 0 { break }
        bytes += chunk[0..<n]
    }
    return String(decoding: bytes, as: UTF8.self).split(separator: "\n")
}
