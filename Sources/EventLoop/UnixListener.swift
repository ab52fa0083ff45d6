import CLibevent
import Glibc

/// Accepts connections on a Unix-domain socket path (`TRANSLATOR_SOCKET`).
package final class UnixListener {
    private let loop: EventLoop
    private let path: String
    private let onAccept: (StreamConnection) -> Void
    /// The `evconnlistener*`; nil once closed. It owns the listening socket (`LEV_OPT_CLOSE_ON_FREE`).
    private var listener: OpaquePointer?

    /// Removes a stale socket file first (only if it is a socket nobody answers on), creates the
    /// parent directory if missing, and makes the socket 0660 so the peer container's group can connect.
    package init(loop: EventLoop, path: String, onAccept: @escaping (StreamConnection) -> Void) throws(EventLoopError) {
        self.loop = loop
        self.path = path
        self.onAccept = onAccept
        let address = try UnixSocketAddress(path: path)
        try Self.removeStaleSocket(at: path, address: address)
        try Self.createParentDirectory(of: path)

        let fd = try makeUnixStreamSocket()
        if address.withSockAddr({ bind(fd, $0, $1) }) != 0 {
            let code = errno
            Glibc.close(fd)
            throw code == EADDRINUSE ? .addressInUse(path) : .socket("bind(\(path))", errno: code)
        }
        if chmod(path, 0o660) != 0 || listen(fd, SOMAXCONN) != 0 {
            let code = errno
            Glibc.close(fd)
            unlink(path)
            throw .socket("chmod/listen(\(path))", errno: code)
        }
        // passUnretained: close() (and deinit) frees the listener, so the callback never outlives self.
        let flags = UInt32(LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC)
        guard
            let listener = evconnlistener_new(
                loop.base, connectionAccepted, Unmanaged.passUnretained(self).toOpaque(), flags, -1, fd)
        else {
            Glibc.close(fd)
            unlink(path)
            throw .libevent("evconnlistener_new")
        }
        self.listener = listener
    }

    deinit { close() }

    /// Stops accepting and removes the socket file; accepted connections stay open.
    package func close() {
        guard let listener else { return }
        self.listener = nil
        evconnlistener_free(listener)
        unlink(path)
    }

    fileprivate func accepted(_ fd: Int32) {
        // Accepted sockets are already non-blocking (evconnlistener's default).
        guard let connection = try? StreamConnection(loop: loop, adopting: fd) else { return }
        onAccept(connection)
    }

    private static func removeStaleSocket(at path: String, address: UnixSocketAddress) throws(EventLoopError) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard gw_is_socket_mode(info.st_mode) != 0 else { throw .addressInUse("\(path) exists and is not a socket") }
        // A socket someone still accepts on belongs to a live process: do not steal it.
        if let probe = try? makeUnixStreamSocket() {
            let answered = address.withSockAddr { Glibc.connect(probe, $0, $1) } == 0 || errno == EAGAIN
            Glibc.close(probe)
            if answered { throw .addressInUse(path) }
        }
        if unlink(path) != 0, errno != ENOENT { throw .socket("unlink(\(path))", errno: errno) }
    }

    private static func createParentDirectory(of path: String) throws(EventLoopError) {
        var components = path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        var current = path.hasPrefix("/") ? "" : "."
        if path.hasPrefix("/") { components = components.dropFirst() }
        for component in components where !component.isEmpty {
            current += "/" + component
            if mkdir(current, 0o755) != 0, errno != EEXIST { throw .socket("mkdir(\(current))", errno: errno) }
        }
    }
}

private func connectionAccepted(
    _: OpaquePointer?, _ fd: Int32, _: UnsafeMutablePointer<sockaddr>?, _: Int32, _ context: UnsafeMutableRawPointer?
) {
    guard let context else {
        Glibc.close(fd)
        return
    }
    let listener = Unmanaged<UnixListener>.fromOpaque(context).takeUnretainedValue()
    withExtendedLifetime(listener) { listener.accepted(fd) }
}
