import CCurl

/// One HTTP request on a `CurlMulti`: hiperfifo's "conn info", found from the easy handle through
/// `CURLOPT_PRIVATE`. Owns its header list and its body bytes (curl does not copy `CURLOPT_POSTFIELDS`), and
/// frees them in `deinit`; it borrows a `CurlEasyHandle` from the multi while it is in it. A `CurlMulti` keeps it
/// alive while it runs.
///
/// Callbacks run on the loop thread, from inside curl; they may call `resume()` and
/// `CurlMulti.cancel`/`add` (those are deferred until curl returns). Capture owners weakly.
///
/// Its per-request stored properties are `@exclusivity(unchecked)` (see `EventLoop`'s note on it); each
/// callback is copied out of its property before it runs, so none runs inside an access.
package final class CurlTransfer {
    /// The handle lent by the multi, configured for this transfer, from `CurlMulti.add` until the multi
    /// takes it back when the transfer leaves it.
    @exclusivity(unchecked) private var handle: CurlEasyHandle?
    /// The `CURL*`, while the transfer has a handle.
    var easy: UnsafeMutableRawPointer? { handle?.pointer }
    /// The parsed URL the handle was given (`CurlURL`), kept while the handle may read it.
    @exclusivity(unchecked) private var parsedURL: CurlURL?
    private let method: String
    let url: String
    private let connectTimeout: Double
    private let totalTimeout: Double?
    private let idleTimeout: Double?
    /// The request's header lines as a `curl_slist` chain in one allocation (`HeaderList`): curl only reads the
    /// list, and `curl_slist_append` cost two allocations and two frees a line. The same allocation holds the
    /// error buffer and the body after the lines (`HeaderList.trailing`): each was an allocation of its own.
    private let headerList: HeaderList
    /// The request body, at a fixed address for curl's whole use of it.
    private let bodyStorage: UnsafeMutableRawBufferPointer
    private let bodyCount: Int
    private let errorBuffer: UnsafeMutablePointer<CChar>

    /// Set by `CurlMulti.add`; the multi holds the strong reference.
    weak var multi: CurlMulti?
    /// The transfer's index in its multi's table while the multi holds it, else -1 (`CurlMulti.holds`).
    @exclusivity(unchecked) var slot = -1
    /// Handed to curl with `curl_multi_add_handle` (and not yet removed).
    @exclusivity(unchecked) var isAttached = false
    /// `CurlMulti.cancel` was called: refuse further data and never call `onComplete`.
    @exclusivity(unchecked) var isCancelled = false
    @exclusivity(unchecked) private(set) var isPaused = false
    @exclusivity(unchecked) private var insideOnData = false
    /// `resume()` was called from inside `onData`, before it returned `.pause`.
    @exclusivity(unchecked) private var resumeRequested = false
    /// Bytes at the start of curl's next deliveries that `onData` already had: curl re-delivers the
    /// chunk it was given CURL_WRITEFUNC_PAUSE for once unpaused.
    @exclusivity(unchecked) private var alreadyConsumed = 0

    @exclusivity(unchecked) private var status = 0
    /// The field lines of the header block so far, for `ResponseHead`.
    @exclusivity(unchecked) private var responseLines: [UInt8] = []
    @exclusivity(unchecked) private var responseDelivered = false

    /// The status and headers of the final response (1xx blocks are skipped); once, as soon as the header
    /// block ends, so before the first `onData` (or before `onComplete` when there is no body).
    @exclusivity(unchecked) package var onResponse: ((_ status: Int, _ headers: [(String, String)]) -> Void)?
    /// As `onResponse`, with the headers left as curl delivered them until a field is asked for (`ResponseHead`);
    /// called first when both are set.
    package var onResponseHead: ((_ status: Int, _ head: ResponseHead) -> Void)? {
        get { onResponseHeadStorage }
        set { onResponseHeadStorage = newValue }
    }
    /// Body bytes in arrival order. Returning `.pause` stops the transfer until `resume()`; the bytes
    /// passed in that call are consumed all the same (curl's re-delivery of them is skipped here), so
    /// every byte reaches `onData` exactly once and in order.
    @exclusivity(unchecked) package var onData: (([UInt8]) -> CurlDataDisposition)?
    /// As `onData`, but lending curl's buffer for the duration of the call instead of copying it into a new array
    /// each time, for consumers that copy what they keep anyway (one allocation per read saved). When set, it is
    /// called instead of `onData`.
    package var onDataBuffer: ((UnsafeRawBufferPointer) -> CurlDataDisposition)? {
        get { onDataBufferStorage }
        set { onDataBufferStorage = newValue }
    }
    /// Exactly once per added transfer, unless it is cancelled first.
    package var onComplete: ((Result<Void, CurlError>) -> Void)? {
        get { onCompleteStorage }
        set { onCompleteStorage = newValue }
    }

    // Every SageMaker call sets and reads these three from another module, and a client module accesses a
    // `package` stored property directly, with the dynamic check, whatever `@exclusivity(unchecked)` says here
    // (the profile showed the checks): behind accessors the check is this module's.
    @exclusivity(unchecked) private var onResponseHeadStorage: ((_ status: Int, _ head: ResponseHead) -> Void)?
    @exclusivity(unchecked) private var onDataBufferStorage: ((UnsafeRawBufferPointer) -> CurlDataDisposition)?
    @exclusivity(unchecked) private var onCompleteStorage: ((Result<Void, CurlError>) -> Void)?

    /// - Parameters:
    ///   - headers: labelled as a signed request's are (`AWSHTTPRequest`), which are then handed over as they are
    ///     instead of mapped into a new array per call.
    ///   - connectTimeout: seconds to establish the connection (CURLOPT_CONNECTTIMEOUT_MS).
    ///   - totalTimeout: seconds for the whole transfer (CURLOPT_TIMEOUT_MS); nil for none.
    ///   - idleTimeout: fail with `.timedOut` when (almost) no byte arrives for this many seconds, also
    ///     while waiting for the first byte (CURLOPT_LOW_SPEED_LIMIT 1 B/s over CURLOPT_LOW_SPEED_TIME,
    ///     whole seconds, rounded up). Curl averages speed over its last few seconds, so a stall after
    ///     data was flowing is noticed up to ~5 s late. A paused transfer is exempt.
    package init(
        method: String,
        url: String,
        headers: [(name: String, value: String)],
        body: [UInt8],
        connectTimeout: Double = 10,
        totalTimeout: Double? = nil,
        idleTimeout: Double? = nil
    ) {
        self.method = method
        self.url = url
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.idleTimeout = idleTimeout
        // Curl would send "Expect: 100-continue" for larger bodies and wait for the interim answer.
        let errorBytes = Int(CURL_ERROR_SIZE)
        headerList = HeaderList(headers: headers, last: "Expect:", trailingBytes: errorBytes + max(body.count, 1))
        errorBuffer = headerList.trailing.initializeMemory(as: CChar.self, repeating: 0, count: errorBytes)
        bodyStorage = UnsafeMutableRawBufferPointer(start: headerList.trailing + errorBytes, count: max(body.count, 1))
        bodyStorage.copyBytes(from: body)
        bodyCount = body.count
    }

    /// Takes `handle` (fresh or reset) and sets every option of this transfer on it; returns the `CURL*`.
    /// `parsed` is `url` already parsed by curl (`CurlMulti`'s cache), nil for curl to parse the string itself.
    func attach(_ handle: CurlEasyHandle, parsed: CurlURL?) -> UnsafeMutableRawPointer {
        self.handle = handle
        let easy = handle.pointer
        // passUnretained: self holds the handle and outlives every callback on it.
        let context = Unmanaged.passUnretained(self).toOpaque()
        set(easy, CURLOPT_PRIVATE, pointer: context)
        if let parsed {
            // Both: the handle for the transfer (it overrides CURLOPT_URL), and curl's rendering of it as the URL
            // string, which curl would otherwise print from the handle again (`Curl_pretransfer`).
            parsedURL = parsed
            set(easy, CURLOPT_CURLU, pointer: UnsafeRawPointer(parsed.handle))
            set(easy, CURLOPT_URL, pointer: parsed.normalized)
        } else {
            set(easy, CURLOPT_URL, string: url)
        }
        set(easy, CURLOPT_NOSIGNAL, 1)
        set(easy, CURLOPT_TCP_KEEPALIVE, 1)
        set(easy, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1)
        set(easy, CURLOPT_ERRORBUFFER, pointer: errorBuffer)
        set(easy, CURLOPT_WRITEFUNCTION, callback: transferBodyReceived)
        set(easy, CURLOPT_WRITEDATA, pointer: context)
        set(easy, CURLOPT_HEADERFUNCTION, callback: transferHeaderReceived)
        set(easy, CURLOPT_HEADERDATA, pointer: context)
        curlOrDie(gw_curl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList.first), "CURLOPT_HTTPHEADER")
        set(easy, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(connectTimeout))
        if let totalTimeout {
            set(easy, CURLOPT_TIMEOUT_MS, Self.milliseconds(totalTimeout))
        }
        if let idleTimeout {
            set(easy, CURLOPT_LOW_SPEED_LIMIT, 1)
            set(easy, CURLOPT_LOW_SPEED_TIME, max(1, Int(idleTimeout.rounded(.up))))
        }

        let upperMethod = method.uppercased()
        switch upperMethod {
        case "GET":
            set(easy, CURLOPT_HTTPGET, 1)
        case "HEAD":
            set(easy, CURLOPT_NOBODY, 1)
        default:
            if upperMethod != "POST" {
                set(easy, CURLOPT_CUSTOMREQUEST, string: method)
            }
            if upperMethod == "POST" || bodyCount > 0 {
                curlOrDie(
                    gw_curl_easy_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bodyCount)),
                    "CURLOPT_POSTFIELDSIZE_LARGE")
                set(easy, CURLOPT_POSTFIELDS, pointer: bodyStorage.baseAddress)
            }
        }
        return easy
    }

    /// Gives the handle back once it has left the multi (curl calls nothing on it any more). The status curl
    /// saw is kept first, for a `complete` that still has to report the response.
    func detach() -> CurlEasyHandle? {
        guard let handle else { return nil }
        if !responseDelivered, status == 0 { status = Self.responseCode(handle.pointer) }
        self.handle = nil
        // Out of the multi, curl reads neither the handle's URL nor anything else of this transfer again.
        parsedURL = nil
        return handle
    }

    deinit {
        // A CurlMulti keeps attached transfers alive, so a handle still held here is in no multi, and curl
        // keeps no pointer to the list or the body once the handle is freed or reset.
        headerList.deallocate()
    }

    /// Lets a transfer paused by `onData` returning `.pause` receive again. Data curl held back may be
    /// delivered to `onData` before this returns.
    package func resume() {
        if insideOnData {
            resumeRequested = true
            return
        }
        guard isPaused, !isCancelled else { return }
        guard let multi else {
            isPaused = false
            return
        }
        multi.runOutsideCurl { [self] in
            guard isPaused, !isCancelled, let easy else { return }
            isPaused = false
            var code = CURLE_OK
            multi.handingCurlWork { code = curl_easy_pause(easy, CURLPAUSE_CONT) }
            // Unpausing hands curl's held-back data to the write callback at once; an error there (or
            // memory running out) fails the transfer, which curl will not report through the multi.
            if code != CURLE_OK { multi.finish(self, code) }
        }
    }

    // The options are ours and this libcurl knows them all, so a setopt fails only when curl cannot copy
    // a string: out of memory, or a URL over curl's 8 MB input limit, which no endpoint name reaches.

    private func set(_ easy: UnsafeMutableRawPointer, _ option: CURLoption, _ value: Int) {
        curlOrDie(gw_curl_easy_setopt_long(easy, option, value), "curl_easy_setopt(\(option.rawValue))")
    }

    /// For pointers curl keeps (PRIVATE, WRITEDATA, ERRORBUFFER, POSTFIELDS, CURLU: owned by self), and for strings
    /// curl copies that are C strings already (the parsed URL's rendering).
    private func set(_ easy: UnsafeMutableRawPointer, _ option: CURLoption, pointer: UnsafeRawPointer?) {
        curlOrDie(gw_curl_easy_setopt_ptr(easy, option, pointer), "curl_easy_setopt(\(option.rawValue))")
    }

    /// For strings, which curl copies.
    private func set(_ easy: UnsafeMutableRawPointer, _ option: CURLoption, string: String) {
        curlOrDie(gw_curl_easy_setopt_ptr(easy, option, string), "curl_easy_setopt(\(option.rawValue))")
    }

    private func set(_ easy: UnsafeMutableRawPointer, _ option: CURLoption, callback: curl_write_callback) {
        curlOrDie(gw_curl_easy_setopt_writefunction(easy, option, callback), "curl_easy_setopt(\(option.rawValue))")
    }

    private static func milliseconds(_ seconds: Double) -> Int {
        guard seconds.isFinite, seconds > 0 else { return 0 }
        return Int(min(seconds * 1000, Double(Int32.max)).rounded(.up))
    }

    // MARK: curl callbacks

    fileprivate func bodyReceived(_ data: UnsafeMutablePointer<CChar>?, count: Int) -> Int {
        guard !isCancelled else { return 0 }
        deliverResponse()
        let skipped = min(alreadyConsumed, count)
        alreadyConsumed -= skipped
        guard count > skipped, let data, onDataBuffer != nil || onData != nil else { return count }
        let chunk = UnsafeRawBufferPointer(start: data + skipped, count: count - skipped)
        insideOnData = true
        resumeRequested = false
        let disposition: CurlDataDisposition
        if let onDataBuffer {
            disposition = onDataBuffer(chunk)
        } else if let onData {
            disposition = onData([UInt8](chunk))
        } else {
            disposition = .proceed
        }
        insideOnData = false
        guard !isCancelled else { return 0 }
        switch disposition {
        case .proceed:
            return count
        case .pause:
            // Curl keeps this whole chunk and hands it over again on unpause; all of it is consumed.
            isPaused = true
            alreadyConsumed = count
            if resumeRequested {
                resumeRequested = false
                // Inside curl: the multi runs this once the current curl call returns.
                multi?.runOutsideCurl { [weak self] in self?.resume() }
            }
            return Int(CURL_WRITEFUNC_PAUSE)
        }
    }

    fileprivate func headerReceived(_ data: UnsafeMutablePointer<CChar>?, count: Int) -> Int {
        guard !isCancelled else { return 0 }
        // After the final block only trailers can come; they are not part of this API.
        guard !responseDelivered, let data else { return count }
        let line = UnsafeRawBufferPointer(start: data, count: count)
        switch ResponseHeaderLine.kind(of: line) {
        case .status(let code):
            status = code
            responseLines.removeAll(keepingCapacity: true)
            responseLines.reserveCapacity(512)
        case .end:
            if (100..<200).contains(status) {
                status = 0
                responseLines.removeAll(keepingCapacity: true)
            } else {
                deliverResponse()
            }
        case .field(let length):
            // Kept as bytes: `ResponseHead` makes strings of the fields asked for.
            ResponseHead.appendLine(UnsafeRawBufferPointer(rebasing: line[..<length]), to: &responseLines)
        case .other:
            break
        }
        return isCancelled ? 0 : count
    }

    private func deliverResponse() {
        guard !responseDelivered else { return }
        if status == 0, let easy { status = Self.responseCode(easy) }
        guard status != 0 else { return }
        responseDelivered = true
        let head = ResponseHead(lines: responseLines)
        responseLines = []
        // Each callback is copied out first, so no access to its property is open while it runs.
        if let onResponseHead { onResponseHead(status, head) }
        if let onResponse { onResponse(status, head.fields) }
    }

    /// Fails only for a handle that is not an easy handle; then the status stays unknown (0).
    private static func responseCode(_ easy: UnsafeMutableRawPointer) -> Int {
        var code = 0
        return gw_curl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &code) == CURLE_OK ? code : 0
    }

    /// Called once by the multi when curl reports the transfer done (never after cancel).
    func complete(_ code: CURLcode) {
        deliverResponse()
        guard !isCancelled, let onComplete else { return }
        self.onComplete = nil
        if code == CURLE_OK {
            onComplete(.success(()))
        } else {
            onComplete(.failure(CurlError(code: code, detail: String(cString: errorBuffer))))
        }
    }

    /// Fails a transfer curl never accepted.
    func fail(_ error: CurlError) {
        guard !isCancelled, let onComplete else { return }
        self.onComplete = nil
        onComplete(.failure(error))
    }
}

private func transferBodyReceived(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let context else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    return withExtendedLifetime(transfer) { transfer.bodyReceived(data, count: size * count) }
}

private func transferHeaderReceived(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let context else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    return withExtendedLifetime(transfer) { transfer.headerReceived(data, count: size * count) }
}

/// A `curl_slist` chain built in one allocation: the nodes, then the NUL-terminated lines they point at, in
/// order, then `trailing` bytes for the owner's other buffers. Curl reads a CURLOPT_HTTPHEADER list and never frees
/// or changes it, so it need not come from `curl_slist_append` (two allocations and two frees a line);
/// `deallocate()` it, never `curl_slist_free_all`, once no handle uses it.
struct HeaderList {
    private let storage: UnsafeMutableRawPointer
    let first: UnsafeMutablePointer<curl_slist>
    /// The start of the `trailingBytes` uninitialised bytes after the lines, freed with the list.
    let trailing: UnsafeMutableRawPointer

    /// Each header as `name: value`, or `name;` (curl's spelling of a header sent empty), then `last` as given.
    /// A line with a NUL byte inside ends there, as any C string would.
    init(headers: [(name: String, value: String)], last: StaticString, trailingBytes: Int = 0) {
        let count = headers.count + 1
        var textBytes = last.utf8CodeUnitCount + 1
        for (name, value) in headers {
            textBytes += name.utf8.count + (value.isEmpty ? 1 : 2 + value.utf8.count) + 1
        }
        let nodeBytes = count * MemoryLayout<curl_slist>.stride
        storage = .allocate(
            byteCount: nodeBytes + textBytes + trailingBytes, alignment: MemoryLayout<curl_slist>.alignment)
        trailing = storage + nodeBytes + textBytes
        let nodes = storage.bindMemory(to: curl_slist.self, capacity: count)
        let text = UnsafeMutableRawBufferPointer(start: storage + nodeBytes, count: textBytes)
        var offset = 0
        func put<Bytes: Collection<UInt8>>(_ bytes: Bytes) {
            UnsafeMutableRawBufferPointer(rebasing: text[offset...]).copyBytes(from: bytes)
            offset += bytes.count
        }
        /// Ends the line begun at `start` with its NUL and returns it as curl's `char *`.
        func endLine(from start: Int) -> UnsafeMutablePointer<CChar>? {
            text[offset] = 0
            offset += 1
            return (text.baseAddress.map { $0 + start })?.assumingMemoryBound(to: CChar.self)
        }
        for (index, (name, value)) in headers.enumerated() {
            let start = offset
            put(name.utf8)
            if value.isEmpty {
                put(";".utf8)
            } else {
                put(": ".utf8)
                put(value.utf8)
            }
            (nodes + index).initialize(to: curl_slist(data: endLine(from: start), next: nodes + index + 1))
        }
        let start = offset
        last.withUTF8Buffer { put($0) }
        (nodes + count - 1).initialize(to: curl_slist(data: endLine(from: start), next: nil))
        first = nodes
    }

    func deallocate() {
        storage.deallocate()
    }
}
