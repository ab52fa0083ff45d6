import EventLoop
import Glibc
import Testing

@Suite("SocketWatcher")
struct SocketWatcherTests {
    @Test func reportsReadinessUntilToldToStop() throws {
        let loop = try EventLoop()
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer {
            close(fds[0])
            close(fds[1])
        }
        var readable = 0
        let watcher = SocketWatcher(loop: loop, fd: fds[0]) { isReadable, _ in
            if isReadable { readable += 1 }
            loop.stop()
        }
        try watcher.watch(readable: true, writable: false)
        #expect(write(fds[1], "x", 1) == 1)
        #expect(runLoop(loop, timeout: 3))
        #expect(readable == 1)
        try watcher.watch(readable: false, writable: false)
        let quiet = Timer(loop: loop) { loop.stop() }
        quiet.schedule(after: 0.05)
        #expect(runLoop(loop, timeout: 3))
        #expect(readable == 1)
    }

    /// A watch the backend refuses is reported, not silently dropped (issue 12, finding 2): curl's
    /// transfer on that socket would otherwise wait for its timeout. epoll refuses regular files.
    @Test func aDescriptorEpollRefusesIsReported() throws {
        let loop = try EventLoop()
        let fd = open("/proc/self/exe", O_RDONLY)
        #expect(fd >= 0)
        defer { close(fd) }
        let watcher = SocketWatcher(loop: loop, fd: fd) { _, _ in }
        #expect(throws: EventLoopError.libevent("event_add(fd \(fd))")) {
            try watcher.watch(readable: true, writable: false)
        }
    }
}
