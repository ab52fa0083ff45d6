import Glibc

/// A blocking stream socket with one deadline for everything done on it, for the executables'
/// `--check` modes (container HEALTHCHECKs and ECS health checks run them as a separate process, so
/// there is no loop to drive and no curl in the image to lean on).
///
/// Every call re-arms `SO_RCVTIMEO`/`SO_SNDTIMEO` with the time left, so a peer that accepts and then
/// stalls, or dribbles bytes, cannot hold the probe past its deadline. Linux applies `SO_SNDTIMEO` to
/// `connect` as well (socket(7)).
package final class ProbeConnection {
    private let fd: Int32
    private let deadline: Double

    /// Connects to a listening Unix socket, e.g. the translator's `TRANSLATOR_SOCKET`.
    package static func unix(path: String, timeout: Double) throws(EventLoopError) -> ProbeConnection {
        let address = try UnixSocketAddress(path: path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .fromErrno("socket(AF_UNIX)") }
        let connection = ProbeConnection(fd: fd, deadline: monotonicNow() + timeout)
        try connection.armTimeouts()
        guard address.withSockAddr({ Glibc.connect(fd, $0, $1) }) == 0 else {
            let code = errno  // before the interpolation below can allocate and disturb it
            throw .fromErrno("connect(\(path))", code)
        }
        return connection
    }

    /// Connects over TCP to `host` (a name or a numeric IPv4/IPv6 address) and `port`.
    package static func tcp(host: String, port: Int, timeout: Double) throws(EventLoopError) -> ProbeConnection {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw .socket("getaddrinfo(\(host)): \(String(cString: gai_strerror(status)))", errno: EHOSTUNREACH)
        }
        defer { freeaddrinfo(list) }
        let deadline = monotonicNow() + timeout
        var lastError = EventLoopError.socket("connect(\(host):\(port))", errno: ECONNREFUSED)
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            candidate = info.pointee.ai_next
            let fd = socket(
                info.pointee.ai_family, info.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue),
                info.pointee.ai_protocol)
            guard fd >= 0 else {
                lastError = .fromErrno("socket")
                continue
            }
            let connection = ProbeConnection(fd: fd, deadline: deadline)
            do {
                try connection.armTimeouts()
            } catch {
                lastError = error
                continue
            }
            if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return connection }
            let code = errno  // before the interpolation below can allocate and disturb it
            lastError = .fromErrno("connect(\(host):\(port))", code)
        }
        throw lastError
    }

    private init(fd: Int32, deadline: Double) {
        self.fd = fd
        self.deadline = deadline
    }

    deinit {
        Glibc.close(fd)
    }

    /// Writes all of `bytes` or throws; MSG_NOSIGNAL because a closed peer must be an error, not SIGPIPE.
    package func send(_ bytes: [UInt8]) throws(EventLoopError) {
        var offset = 0
        while offset < bytes.count {
            try armTimeouts()
            let sent = bytes[offset...].withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return Glibc.send(fd, base, raw.count, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 {
                if errno == EINTR { continue }
                throw .fromErrno("send")
            }
            offset += sent
        }
    }

    /// The next bytes from the peer; empty at end of stream. Throws on error or when the deadline passes.
    package func receive(maxBytes: Int = 4096) throws(EventLoopError) -> [UInt8] {
        while true {
            try armTimeouts()
            var buffer = [UInt8](repeating: 0, count: maxBytes)
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count >= 0 { return Array(buffer.prefix(count)) }
            if errno == EINTR { continue }
            // A receive timeout reports EAGAIN; say what it means.
            throw errno == EAGAIN || errno == EWOULDBLOCK
                ? .socket("recv: timed out", errno: ETIMEDOUT) : .fromErrno("recv")
        }
    }

    private func armTimeouts() throws(EventLoopError) {
        let left = deadline - monotonicNow()
        guard left > 0 else { throw .socket("probe deadline passed", errno: ETIMEDOUT) }
        var value = timeval(tv_sec: Int(left), tv_usec: Int((left - Double(Int(left))) * 1_000_000))
        // A zero timeval means "wait forever" to the kernel: never send one.
        if value.tv_sec == 0 && value.tv_usec == 0 { value.tv_usec = 1 }
        let size = socklen_t(MemoryLayout<timeval>.size)
        guard setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, size) == 0,
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &value, size) == 0
        else { throw .fromErrno("setsockopt(SO_RCVTIMEO)") }
    }
}
