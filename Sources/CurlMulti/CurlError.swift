import CCurl

/// Why a transfer failed; curl's codes are converted here and nowhere else.
package enum CurlError: Error, Equatable {
    /// No connection: refused, unreachable, or the host name did not resolve (CURLE_COULDNT_CONNECT,
    /// CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY).
    case couldNotConnect(String)
    /// Connect, total or idle (low-speed) timeout: CURLE_OPERATION_TIMEDOUT.
    case timedOut(String)
    /// The transfer was stopped from our side (a callback refused data).
    case aborted
    case other(code: Int32, message: String)

    init(code: CURLcode, detail: String) {
        let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        switch code {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            self = .couldNotConnect(message)
        case CURLE_OPERATION_TIMEDOUT:
            self = .timedOut(message)
        case CURLE_WRITE_ERROR, CURLE_ABORTED_BY_CALLBACK:
            self = .aborted
        default:
            self = .other(code: Int32(bitPattern: code.rawValue), message: message)
        }
    }
}

/// What `onData` wants next.
package enum CurlDataDisposition {
    case proceed
    /// Stop receiving until `resume()`. The bytes just passed to `onData` count as consumed.
    case pause
}
