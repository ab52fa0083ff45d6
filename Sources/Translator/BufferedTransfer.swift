import CurlMulti
import TranslatorCore

/// A whole HTTP answer, for calls whose answers are small enough to hold (credentials, secrets,
/// non-streamed invocations).
struct BufferedResponse {
    var status: Int
    var head: ResponseHead?
    var body: [UInt8]

    /// Decoded when read: a successful answer's are seldom looked at.
    var headers: [(String, String)] { head?.fields ?? [] }
}

enum BufferedTransferError: Error {
    case transport(CurlError)
    /// The answer outgrew `maxBytes`; the transfer was cancelled rather than buffered further.
    case tooLarge(Int)
}

/// Sends `request` and calls `completion` once with the whole answer. The caller keeps the returned
/// transfer while it runs and may cancel it through `curl.cancel` (completion is then not called).
/// `observe` sees the transfer with its callbacks set, before it starts (`Session.recordUpstream`); not escaping, so
/// its context costs no allocation.
func sendBuffered(
    _ request: AWSHTTPRequest, on curl: CurlMulti, connectTimeout: Double, totalTimeout: Double, maxBytes: Int,
    observe: (CurlTransfer) -> Void = { _ in },
    completion: @escaping (Result<BufferedResponse, BufferedTransferError>) -> Void
) -> CurlTransfer {
    let transfer = CurlTransfer(
        method: request.method, url: request.url, headers: request.headers,
        body: request.body,
        connectTimeout: connectTimeout, totalTimeout: totalTimeout)
    // Each callback captures the one collector and nothing else, so none of them allocates a context of its own.
    let collector = BufferedCollector(transfer: transfer, curl: curl, maxBytes: maxBytes, completion: completion)
    transfer.onResponseHead = { collector.responseStarted(status: $0, head: $1) }
    transfer.onDataBuffer = { collector.received($0) }
    transfer.onComplete = { collector.completed($0) }
    observe(transfer)
    curl.add(transfer)
    return transfer
}

/// What `sendBuffered`'s callbacks share: the answer so far, and where it goes. One object in place of the boxes
/// of two captured variables and three closure contexts per call.
///
/// Its per-request stored properties are `@exclusivity(unchecked)` (see `EventLoop`'s note on it).
private final class BufferedCollector {
    /// The transfer holds its callbacks, which hold this: unowned, so no cycle.
    private unowned let transfer: CurlTransfer
    private unowned let curl: CurlMulti
    private let maxBytes: Int
    private let completion: (Result<BufferedResponse, BufferedTransferError>) -> Void
    @exclusivity(unchecked) private var response = BufferedResponse(status: 0, head: nil, body: [])
    @exclusivity(unchecked) private var overflowed = false

    init(
        transfer: CurlTransfer, curl: CurlMulti, maxBytes: Int,
        completion: @escaping (Result<BufferedResponse, BufferedTransferError>) -> Void
    ) {
        self.transfer = transfer
        self.curl = curl
        self.maxBytes = maxBytes
        self.completion = completion
    }

    func responseStarted(status: Int, head: ResponseHead) {
        response.status = status
        response.head = head
    }

    func received(_ bytes: UnsafeRawBufferPointer) -> CurlDataDisposition {
        guard !overflowed else { return .proceed }
        guard response.body.count + bytes.count <= maxBytes else {
            overflowed = true
            curl.cancel(transfer)
            completion(.failure(.tooLarge(maxBytes)))
            return .proceed
        }
        response.body.append(contentsOf: bytes)
        return .proceed
    }

    func completed(_ result: Result<Void, CurlError>) {
        guard !overflowed else { return }
        switch result {
        case .failure(let error): completion(.failure(.transport(error)))
        case .success: completion(.success(response))
        }
    }
}
