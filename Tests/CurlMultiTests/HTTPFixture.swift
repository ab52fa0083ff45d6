import CurlMulti
import EventLoop
import Glibc

/// One loop with an HTTPServer and a CurlMulti on it, so each test drives both ends of a real
/// loopback connection.
final class HTTPFixture {
    let loop: EventLoop
    let multi: CurlMulti
    var server: HTTPServer?
    var handler: (HTTPExchange) -> Void = { $0.respond(status: 500, headers: [], body: []) }
    var timedOut = false

    init(maxBodyBytes: Int = 1 << 20) throws {
        ignoreSIGPIPE()
        loop = try EventLoop()
        multi = try CurlMulti(loop: loop)
        server = try HTTPServer(
            loop: loop, host: "127.0.0.1", port: 0, maxBodyBytes: maxBodyBytes,
            handler: { [unowned self] in handler($0) },
            bodyTooLarge: { exchange in
                exchange.respond(
                    status: 413, headers: [("Content-Type", "application/json")], body: Self.tooLargeBody)
            },
            rejection: { rejection in
                // A Content-Length over the limit is refused before the body: the same answer.
                if case .bodyTooLarge = rejection {
                    return HTTPRawResponse(contentType: "application/json", body: Self.tooLargeBody)
                }
                return HTTPServer.plainRejection(rejection)
            })
    }

    static let tooLargeBody = Array(
        #"{"error":{"message":"body too large","type":"invalid_request_error","param":null,"code":null}}"#.utf8)

    var baseURL: String { "http://127.0.0.1:\(server?.port ?? 0)" }

    /// Runs the loop until `loop.stop()` or `seconds`; false on timeout.
    func run(timeout seconds: Double = 10) -> Bool {
        let deadline = Timer(loop: loop) { [unowned self] in
            timedOut = true
            loop.stop()
        }
        deadline.schedule(after: seconds)
        loop.run()
        deadline.cancel()
        return !timedOut
    }

    /// Runs one transfer to completion, collecting what it delivered.
    func perform(_ transfer: CurlTransfer, timeout seconds: Double = 10) -> Outcome {
        let outcome = Outcome()
        transfer.onResponse = { status, headers in
            outcome.responses += 1
            outcome.status = status
            outcome.headers = headers
        }
        if transfer.onData == nil {
            transfer.onData = { bytes in
                outcome.chunks.append(bytes)
                return .proceed
            }
        }
        transfer.onComplete = { [loop] result in
            outcome.completions += 1
            outcome.result = result
            loop.stop()
        }
        multi.add(transfer)
        outcome.finishedInTime = run(timeout: seconds)
        return outcome
    }
}

final class Outcome {
    var status = 0
    var headers: [(String, String)] = []
    var chunks: [[UInt8]] = []
    var responses = 0
    var completions = 0
    var result: Result<Void, CurlError>?
    var finishedInTime = false

    var body: [UInt8] { chunks.flatMap { $0 } }
    var text: String { String(decoding: body, as: UTF8.self) }
    func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    var succeeded: Bool {
        if case .success = result { return true }
        return false
    }
}

/// A loopback TCP port nothing listens on (bound, then closed).
func closedLoopbackPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            _ = bind(fd, pointer, length)
            return getsockname(fd, pointer, &length)
        }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}
