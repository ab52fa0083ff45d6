import Glibc

/// The HTTP half of the executables' `--check` modes: one blocking `GET` and its status code.
///
/// Only the status line is read (RFC 9112 §4); the body does not matter to a health check, and
/// `Connection: close` lets the server end the exchange as soon as it has answered.
package enum HealthProbe {
    /// The address to probe for a server listening on `host`: a wildcard listen address is
    /// reached through loopback, a specific one directly.
    package static func probeHost(forListenHost host: String) -> String {
        switch host {
        case "", "0.0.0.0", "*": return "127.0.0.1"
        case "::", "[::]": return "::1"
        default: return host
        }
    }

    /// Sends `GET path` to host:port and returns the response's status code.
    package static func httpStatus(host: String, port: Int, path: String, timeout: Double) throws(EventLoopError) -> Int
    {
        let connection = try ProbeConnection.tcp(host: host, port: port, timeout: timeout)
        let authority = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        let request =
            "GET \(path) HTTP/1.1\r\nHost: \(authority)\r\nUser-Agent: gateway-healthcheck\r\nConnection: close\r\n\r\n"
        try connection.send(Array(request.utf8))
        var head: [UInt8] = []
        while !head.contains(UInt8(ascii: "\n")) {
            let bytes = try connection.receive()
            if bytes.isEmpty { break }
            head += bytes
            // A status line is short; a peer that sends kilobytes without one is not an HTTP server.
            if head.count > 8192 { break }
        }
        guard let status = statusCode(ofResponseHead: head) else {
            throw .socket("no HTTP status line from \(authority)", errno: EPROTO)
        }
        return status
    }

    /// The status code of `HTTP/1.x NNN ...`, or nil when the bytes do not start with a status line.
    package static func statusCode(ofResponseHead head: [UInt8]) -> Int? {
        let line = head.prefix { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }
        let words = line.split(separator: UInt8(ascii: " "), maxSplits: 2, omittingEmptySubsequences: false)
        guard words.count >= 2, words[0].starts(with: Array("HTTP/1.".utf8)), words[1].count == 3,
            words[1].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return nil }
        return words[1].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }
}

extension HealthProbe {
    /// A one-line reason for a failed probe, for the health check's output (Docker keeps it in
    /// `docker inspect`'s health log): the call and `strerror`, not an enum dump.
    package static func describe(_ error: Error) -> String {
        switch error {
        case EventLoopError.socket(let call, let code): return "\(call): \(String(cString: strerror(code)))"
        case EventLoopError.addressInUse(let call): return "\(call): address in use"
        case EventLoopError.libevent(let call): return "\(call) failed"
        default: return "\(error)"
        }
    }
}
