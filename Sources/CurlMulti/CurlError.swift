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

/// Stops the process when curl reports what can only be a bug here or memory exhaustion, as hiperfifo's
/// `mcode_or_die` and corelibs' `try! ....asError()` do: a multi call on a handle we own, or a setopt of
/// an option this libcurl supports, fails only for lack of memory or because our bookkeeping is wrong,
/// and carrying on would leave a transfer that never ends or a socket nobody watches.
func curlOrDie(_ code: CURLMcode, _ call: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) {
    guard code != CURLM_OK else { return }
    fatalError("\(call()): \(String(cString: curl_multi_strerror(code)))", file: file, line: line)
}

/// `curlOrDie` for `curl_easy_setopt` and the other easy-handle calls.
func curlOrDie(_ code: CURLcode, _ call: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) {
    guard code != CURLE_OK else { return }
    fatalError("\(call()): \(String(cString: curl_easy_strerror(code)))", file: file, line: line)
}
