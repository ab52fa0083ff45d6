import CurlMulti
import TranslatorCore

/// A whole HTTP answer, for calls whose answers are small enough to hold (credentials, secrets,
/// non-streamed invocations).
struct BufferedResponse {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]
}

enum BufferedTransferError: Error {
    case transport(CurlError)
    /// The answer outgrew `maxBytes`; the transfer was cancelled rather than buffered further.
    case tooLarge(Int)
}

/// Sends `request` and calls `completion` once with the whole answer. The caller keeps the returned
/// transfer while it runs and may cancel it through `curl.cancel` (completion is then not called).
/// `observe` sees the transfer with its callbacks set, before it starts (`Session.recordUpstream`).
func sendBuffered(
    _ request: AWSHTTPRequest, on curl: CurlMulti, connectTimeout: Double, totalTimeout: Double, maxBytes: Int,
    observe: ((CurlTransfer) -> Void)? = nil,
    completion: @escaping (Result<BufferedResponse, BufferedTransferError>) -> Void
) -> CurlTransfer {
    let transfer = CurlTransfer(
        method: request.method, url: request.url, headers: request.headers,
        body: request.body,
        connectTimeout: connectTimeout, totalTimeout: totalTimeout)
    var response = BufferedResponse(status: 0, headers: [], body: [])
    var overflowed = false
    transfer.onResponse = { status, headers in
        response.status = status
        response.headers = headers
    }
    transfer.onDataBuffer = { [unowned transfer, unowned curl] bytes in
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
    transfer.onComplete = { result in
        guard !overflowed else { return }
        switch result {
        case .failure(let error): completion(.failure(.transport(error)))
        case .success: completion(.success(response))
        }
    }
    observe?(transfer)
    curl.add(transfer)
    return transfer
}
