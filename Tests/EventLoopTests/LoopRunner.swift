import EventLoop
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

/// A fresh socket path in a new temporary directory (its parent is created by the listener).
func temporarySocketPath(_ name: String = "test.sock") -> String {
    var template = Array("/tmp/eventloop-tests-XXXXXX".utf8CString)
    let directory = template.withUnsafeMutableBufferPointer { buffer -> String in
        guard let base = buffer.baseAddress, let made = mkdtemp(base) else {
            return "/tmp/eventloop-tests-fallback-\(getpid())"
        }
        return String(cString: made)
    }
    return directory + "/sub/" + name
}
