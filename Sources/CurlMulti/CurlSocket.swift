import CCurl
import EventLoop

/// hiperfifo's "sock info": one socket curl asked us to watch, with the loop event that watches it.
/// Owned by `CurlMulti.sockets`; curl holds an unretained pointer to it through `curl_multi_assign` while it
/// wants the socket watched.
///
/// When curl stops wanting a socket it was reading (CURL_POLL_REMOVE: its transfer is done and the connection
/// waits in curl's pool) the socket stays registered with the loop, *parked*: the next transfer on that
/// connection asks for reading again and costs no `epoll_ctl` either way. Curl closes its sockets through
/// `CURLOPT_CLOSESOCKETFUNCTION`, which ends the registration first, so a closed fd is never left watched.
///
/// Its per-request stored properties are `@exclusivity(unchecked)` (see `EventLoop`'s note on it).
final class CurlSocket {
    let fd: curl_socket_t
    private let watcher: SocketWatcher
    /// Curl has no entry for it (CURL_POLL_REMOVE came) and has not closed it: still watched for reading, but
    /// readiness is not curl's business (the peer closed an idle connection, or sent something unasked).
    @exclusivity(unchecked) var isParked = false

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

    /// Curl no longer wants the socket watched: keeps a read registration for the connection's next transfer
    /// and returns true, or stops watching (anything else would report readiness nobody asked for).
    func park() -> Bool {
        guard watcher.isWatchingOnlyReadable else {
            stopWatching()
            return false
        }
        isParked = true
        return true
    }

    var isWatched: Bool { watcher.isWatching }

    /// Ends the loop registration (before the fd is closed, or when a parked socket turns readable).
    func stopWatching() {
        // Watching nothing never touches the backend, so it cannot fail.
        try? watcher.watch(readable: false, writable: false)
    }
}
