import EventLoop
import FoundationEssentials
import Glibc

/// Runs `loop` until a test calls `stop()`, or fails after `seconds` so no test can hang.
/// Returns false on timeout.
func runLoop(_ loop: EventLoop, timeout seconds: Double = 10) -> Bool {
    var timedOut = false
    let deadline = Timer(loop: loop) {
        timedOut = true
        loop.stop()
    }
    deadline.schedule(after: seconds)
    loop.run()
    deadline.cancel()
    return !timedOut
}

/// A fresh socket path in a new temporary directory (its parent is created by the listener). Every such
/// directory sits in one per-process directory that is removed when the test process exits.
func temporarySocketPath(_ name: String = "test.sock") -> String {
    _ = removalAtExit
    mkdir(processDirectory, 0o700)
    var template = Array("\(processDirectory)/XXXXXX".utf8CString)
    let directory = template.withUnsafeMutableBufferPointer { buffer -> String in
        guard let base = buffer.baseAddress, let made = mkdtemp(base) else {
            return "\(processDirectory)/fallback"
        }
        return String(cString: made)
    }
    return directory + "/sub/" + name
}

private var processDirectory: String { "/tmp/eventloop-tests-\(getpid())" }

/// Registered once (a global's initializer runs exactly once, whatever thread asks first).
private let removalAtExit: Void = {
    atexit {
        try? FileManager.default.removeItem(atPath: processDirectory)
    }
}()
