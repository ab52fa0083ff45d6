import EventLoop
import Glibc
import Testing

@Suite("Unix-socket StreamConnection and UnixListener")
struct StreamConnectionTests {
    init() { ignoreSIGPIPE() }

    @Test func echoRoundTrip() throws {
        let loop = try EventLoop()
        let path = temporarySocketPath()
        var accepted: [StreamConnection] = []
        let listener = try UnixListener(loop: loop, path: path) { connection in
            connection.onRead = { [weak connection] bytes in connection?.write(bytes) }
            accepted.append(connection)
        }
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o660)

        let client = try StreamConnection.connect(loop: loop, path: path)
        var echoed: [UInt8] = []
        let message = Array("hello, translator".utf8)
        client.onRead = { bytes in
            echoed += bytes
            if echoed.count >= message.count { loop.stop() }
        }
        client.write(message)
        #expect(runLoop(loop))
        #expect(echoed == message)
        #expect(accepted.count == 1)

        listener.close()
        #expect(access(path, F_OK) != 0)
    }

    @Test func connectingToAMissingPathThrows() throws {
        let loop = try EventLoop()
        let path = temporarySocketPath("nobody.sock")
        #expect(throws: EventLoopError.socket("connect(\(path))", errno: ENOENT)) {
            _ = try StreamConnection.connect(loop: loop, path: path)
        }
    }

    @Test func staleSocketFileIsReplacedButALiveOneIsNot() throws {
        let loop = try EventLoop()
        let path = temporarySocketPath()
        let first = try UnixListener(loop: loop, path: path) { _ in }
        #expect(throws: EventLoopError.addressInUse(path)) {
            _ = try UnixListener(loop: loop, path: path) { _ in }
        }
        // Leave a socket file nobody listens on, as a crashed process would.
        let stale = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        first.close()
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(stale, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        #expect(bound == 0)
        close(stale)
        #expect(access(path, F_OK) == 0)

        var connected = false
        let second = try UnixListener(loop: loop, path: path) { _ in
            connected = true
            loop.stop()
        }
        let client = try StreamConnection.connect(loop: loop, path: path)
        #expect(runLoop(loop))
        #expect(connected)
        withExtendedLifetime((second, client)) {}
    }

    /// Reads are the connection's own (64 KiB at a time, not the bufferevent's): everything the peer wrote
    /// before it closed arrives, in order and over many reads, before `onClose`.
    @Test func everyByteSentBeforeThePeerClosedArrivesBeforeOnClose() throws {
        let loop = try EventLoop()
        let path = temporarySocketPath()
        let message = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
        var received: [UInt8] = []
        var reads = 0
        var receivedAtClose: Int?
        var accepted: [StreamConnection] = []
        let listener = try UnixListener(loop: loop, path: path) { connection in
            connection.onReadBytes = { bytes in
                reads += 1
                received += bytes
            }
            connection.onClose = {
                receivedAtClose = received.count
                loop.stop()
            }
            accepted.append(connection)
        }
        var client: StreamConnection? = try StreamConnection.connect(loop: loop, path: path)
        client?.write(message)
        client?.closeAfterFlush()
        client = nil
        #expect(runLoop(loop))
        #expect(receivedAtClose == message.count)
        #expect(received == message)
        #expect(reads > 1)
        withExtendedLifetime(listener) {}
    }

    /// Paused, nothing is read (the peer's bytes wait in the kernel); resumed, they arrive in order.
    @Test func pausedReadingResumesWhereItStopped() throws {
        let loop = try EventLoop()
        let path = temporarySocketPath()
        var server: StreamConnection?
        var received: [UInt8] = []
        let listener = try UnixListener(loop: loop, path: path) { connection in
            server = connection
            connection.onRead = { bytes in
                received += bytes
                if received.count == 3 || received.count >= 6 { loop.stop() }
            }
        }
        let client = try StreamConnection.connect(loop: loop, path: path)
        client.write(Array("abc".utf8))
        #expect(runLoop(loop))
        #expect(received == Array("abc".utf8))

        server?.pauseReading()
        client.write(Array("def".utf8))
        let paused = Timer(loop: loop) { loop.stop() }
        paused.schedule(after: 0.2)
        #expect(runLoop(loop))
        #expect(received == Array("abc".utf8))

        server?.resumeReading()
        #expect(runLoop(loop))
        #expect(received == Array("abcdef".utf8))
        withExtendedLifetime((listener, client)) {}
    }

    @Test func peerCloseFiresOnCloseOnce() throws {
        let loop = try EventLoop()
        let path = temporarySocketPath()
        // The accepted connection is dropped right after closeAfterFlush: it must still flush.
        let listener = try UnixListener(loop: loop, path: path) { connection in
            connection.write(Array("bye".utf8))
            connection.closeAfterFlush()
        }
        let client = try StreamConnection.connect(loop: loop, path: path)
        var received: [UInt8] = []
        var closes = 0
        client.onRead = { received += $0 }
        client.onClose = { closes += 1 }
        // Run a little past the close so a second onClose would be seen.
        let settle = Timer(loop: loop) { loop.stop() }
        settle.schedule(after: 0.2)
        #expect(runLoop(loop))
        #expect(received == Array("bye".utf8))
        #expect(closes == 1)
        #expect(client.isClosed)
        client.write([1, 2, 3])  // a no-op after close
        withExtendedLifetime(listener) {}
    }

    @Test func closeAfterFlushReportsOnceTheLastByteIsOut() throws {
        let loop = try EventLoop()
        let path = temporarySocketPath()
        let payload = [UInt8](repeating: 7, count: 4 << 20)
        var flushedCalls = 0
        var receivedWhenFlushed = -1
        var received = 0
        let listener = try UnixListener(loop: loop, path: path) { connection in
            connection.write(payload)
            connection.closeAfterFlush {
                flushedCalls += 1
                receivedWhenFlushed = received
            }
        }
        let client = try StreamConnection.connect(loop: loop, path: path)
        client.pauseReading()
        client.onRead = { received += $0.count }
        client.onClose = { loop.stop() }
        // While the client does not read, megabytes stay queued and the close must wait.
        let resume = Timer(loop: loop) {
            #expect(flushedCalls == 0)
            client.resumeReading()
        }
        resume.schedule(after: 0.2)
        #expect(runLoop(loop))
        #expect(flushedCalls == 1)
        #expect(receivedWhenFlushed > 0)
        #expect(received == payload.count)
        withExtendedLifetime(listener) {}
    }

    @Test func localCloseDoesNotFireOnClose() throws {
        let loop = try EventLoop()
        let path = temporarySocketPath()
        var serverSide: StreamConnection?
        var serverSawClose = false
        let listener = try UnixListener(loop: loop, path: path) { connection in
            serverSide = connection
            connection.onClose = {
                serverSawClose = true
                loop.stop()
            }
        }
        let client = try StreamConnection.connect(loop: loop, path: path)
        var clientCloses = 0
        client.onClose = { clientCloses += 1 }
        let closer = Timer(loop: loop) { client.close() }
        closer.schedule(after: 0.05)
        #expect(runLoop(loop))
        #expect(serverSawClose)
        #expect(clientCloses == 0)
        withExtendedLifetime((listener, serverSide)) {}
    }

    @Test func backpressureIsObservableAndDrainFires() throws {
        let loop = try EventLoop()
        let path = temporarySocketPath()
        let payload = (0..<(4 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var server: StreamConnection?
        var drains = 0
        var bufferedWhilePaused = 0
        let listener = try UnixListener(loop: loop, path: path) { connection in
            server = connection
            connection.onDrain = { drains += 1 }
            connection.write(payload)
        }
        let client = try StreamConnection.connect(loop: loop, path: path)
        client.pauseReading()
        var received: [UInt8] = []
        client.onRead = { bytes in
            received += bytes
            if received.count >= payload.count { loop.stop() }
        }
        let resume = Timer(loop: loop) {
            bufferedWhilePaused = server?.outputBufferedBytes ?? 0
            #expect(received.isEmpty)
            client.resumeReading()
        }
        resume.schedule(after: 0.2)
        #expect(runLoop(loop))
        #expect(bufferedWhilePaused > 64 * 1024)
        #expect(drains == 1)
        #expect(server?.outputBufferedBytes == 0)
        #expect(received == payload)
        withExtendedLifetime(listener) {}
    }
}
