import Glibc

/// A bound, listening TCP socket, made here rather than by `evhttp_bind_socket` because evhttp listens
/// with a backlog of 128, which a burst of connections behind a load balancer overflows; this one
/// listens with the kernel's maximum (`SOMAXCONN`, itself capped by `net.core.somaxconn`).
enum ListeningSocket {
    /// Returns the descriptor, non-blocking and close-on-exec, listening on the first address `host`
    /// resolves to.
    static func open(host: String, port: Int) throws(EventLoopError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host.isEmpty ? nil : host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw .socket("getaddrinfo(\(host))", errno: status == EAI_SYSTEM ? errno : EINVAL)
        }
        defer { freeaddrinfo(list) }
        let info = first.pointee
        let fd = socket(info.ai_family, info.ai_socktype | Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .fromErrno("socket") }
        var on: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        guard bind(fd, info.ai_addr, info.ai_addrlen) == 0 else {
            let code = errno
            close(fd)
            throw code == EADDRINUSE ? .addressInUse("\(host):\(port)") : .socket("bind(\(host):\(port))", errno: code)
        }
        guard listen(fd, SOMAXCONN) == 0 else {
            let code = errno
            close(fd)
            throw .socket("listen(\(host):\(port))", errno: code)
        }
        return fd
    }
}
