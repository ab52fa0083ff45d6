import CCurl
import EventLoop

/// hiperfifo's "sock info": one socket curl asked us to watch, with the loop event that watches it.
/// Owned by `CurlMulti.sockets`; curl holds an unretained pointer to it through `curl_multi_assign`.
final class CurlSocket {
    let fd: curl_socket_t
    private let watcher: SocketWatcher

    init(loop: EventLoop, fd: curl_socket_t, onReady: @escaping (curl_socket_t, Int32) -> Void) {
        self.fd = fd
        watcher = SocketWatcher(loop: loop, fd: fd) { readable, writable in
            var action: Int32 = 0
            if readable { action |= CURL_CSELECT_IN }
            if writable { action |= CURL_CSELECT_OUT }
            onReady(fd, action)
        }
    }

    /// Applies curl's CURL_POLL_IN / CURL_POLL_OUT / CURL_POLL_INOUT.
    func watch(_ what: Int32) throws(EventLoopError) {
        try watcher.watch(readable: what & CURL_POLL_IN != 0, writable: what & CURL_POLL_OUT != 0)
    }
}
