import CCurl
import EventLoop
import GatewayLog
import Glibc

/// Process-wide curl set-up, run once before the first multi handle (thread-safe: a lazy global).
/// OpenSSL's error-string tables are skipped first (`gw_openssl_skip_error_strings`: idle memory).
private let curlGlobalInitResult: CURLcode = {
    _ = gw_openssl_skip_error_strings()
    return curl_global_init(Int(CURL_GLOBAL_DEFAULT))
}()

/// A curl multi handle driven by the EventLoop, after curl's `docs/examples/hiperfifo.c`: the multi is
/// the "global info"; curl tells it which sockets to watch (CURLMOPT_SOCKETFUNCTION) and when to wake
/// it (CURLMOPT_TIMERFUNCTION); socket readiness and the timer both end in `reapFinished()`, which
/// collects finished transfers with `curl_multi_info_read`.
///
/// Curl forbids re-entering the multi from its own callbacks, so `add`, `cancel` and `resume` called
/// from `onResponse`/`onData` are queued and run as soon as curl returns.
///
/// Its per-request stored properties are `@exclusivity(unchecked)` (see `EventLoop`'s note on it).
package final class CurlMulti: EndOfTurnFlushing {
    private let loop: EventLoop
    /// The `CURLM*`.
    private let multi: UnsafeMutableRawPointer
    @exclusivity(unchecked) private var timer: Timer?
    /// hiperfifo's "sock info" objects, owned here; curl holds unretained pointers (curl_multi_assign).
    @exclusivity(unchecked) private var sockets: [curl_socket_t: CurlSocket] = [:]
    /// Added and not yet finished or cancelled-and-removed; keeps each transfer alive while curl uses it. Each knows
    /// its place here (`CurlTransfer.slot`), so finding or dropping one hashes nothing (`holds`, `forget`).
    @exclusivity(unchecked) private var transfers: [CurlTransfer] = []
    /// Easy handles back from finished transfers, reset, for the next ones (`CurlEasyHandle`).
    @exclusivity(unchecked) private var idleHandles: [CurlEasyHandle] = []
    /// The URLs transfers were started with, parsed once each (`CurlURL`); nil for one curl rejected.
    @exclusivity(unchecked) private var parsedURLs: [String: CurlURL?] = [:]
    /// The entry of `parsedURLs` used last: consecutive calls nearly always go to the same URL, and comparing two
    /// equal strings costs a fraction of hashing one.
    @exclusivity(unchecked) private var lastParsedURL: (url: String, parsed: CurlURL?)?
    @exclusivity(unchecked) private var curlDepth = 0
    @exclusivity(unchecked) private var deferred: [() -> Void] = []
    /// Set around the calls that hand curl new work (`handingCurlWork`): a 0 ms deadline asked for then runs at
    /// the end of this loop turn instead of through the loop timer, which cost a loop turn and an `epoll_wait`
    /// per request.
    @exclusivity(unchecked) private var kickAtEndOfTurn = false
    /// curl's deadline is "now" and an end-of-turn `socket_action(CURL_SOCKET_TIMEOUT)` is owed.
    @exclusivity(unchecked) private var kickDue = false
    /// This multi is queued on the loop's `EndOfTurn`.
    @exclusivity(unchecked) private var kickScheduled = false

    package init(loop: EventLoop) throws {
        guard curlGlobalInitResult == CURLE_OK else {
            throw CurlError(code: curlGlobalInitResult, detail: "curl_global_init failed")
        }
        guard let multi = curl_multi_init() else { throw CurlError.other(code: -1, message: "curl_multi_init failed") }
        self.loop = loop
        self.multi = multi
        timer = Timer(loop: loop) { [weak self] in self?.timeoutExpired() }
        // passUnretained: deinit unsets both callbacks before the handle goes away.
        let context = Unmanaged.passUnretained(self).toOpaque()
        curlOrDie(gw_curl_multi_setopt_socketfunction(multi, multiSocketChanged), "CURLMOPT_SOCKETFUNCTION")
        curlOrDie(gw_curl_multi_setopt_ptr(multi, CURLMOPT_SOCKETDATA, context), "CURLMOPT_SOCKETDATA")
        curlOrDie(gw_curl_multi_setopt_timerfunction(multi, multiTimerChanged), "CURLMOPT_TIMERFUNCTION")
        curlOrDie(gw_curl_multi_setopt_ptr(multi, CURLMOPT_TIMERDATA, context), "CURLMOPT_TIMERDATA")
        // curl's default cache holds 4 idle connections per transfer attached at the moment a connection is
        // returned, so under load it closes connections it would reuse a moment later (make bench saw one new
        // connection per six requests at 64 connections); each is a TCP and TLS handshake with SageMaker.
        curlOrDie(
            gw_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, CurlMulti.idleConnections), "CURLMOPT_MAXCONNECTS")
    }

    /// Idle connections kept for reuse (`CURLMOPT_MAXCONNECTS`).
    static let idleConnections = 1024

    /// Parsed URLs kept (`parsedURLs`): the gateway calls a few URLs per endpoint, so this many only fill up with
    /// endpoints that come and go, and then the table starts again.
    static let parsedURLLimit = 256

    /// Reset easy handles kept for reuse. Each holds curl's 16 KiB receive buffer, so a burst of many concurrent
    /// calls leaves at most this many behind; steady load needs about as many as it runs at once.
    static let idleHandleLimit = 128

    /// Transfers still running are dropped without `onComplete`.
    deinit {
        curlOrDie(gw_curl_multi_setopt_socketfunction(multi, nil), "CURLMOPT_SOCKETFUNCTION")
        curlOrDie(gw_curl_multi_setopt_timerfunction(multi, nil), "CURLMOPT_TIMERFUNCTION")
        for transfer in transfers where transfer.isAttached {
            if let easy = transfer.easy {
                curlOrDie(curl_multi_remove_handle(multi, easy), "curl_multi_remove_handle")
            }
            transfer.isAttached = false
            _ = transfer.detach()
        }
        transfers.removeAll()
        idleHandles.removeAll()
        // Parked sockets stop being watched here; curl_multi_cleanup then closes every pooled connection through
        // `multiSocketClosing`, which finds nothing left to unwatch (self is still valid until deinit returns).
        sockets.removeAll()
        curlOrDie(curl_multi_cleanup(multi), "curl_multi_cleanup")
    }

    /// Transfers added and neither finished nor cancelled.
    package var activeTransfers: Int {
        transfers.lazy.filter { !$0.isCancelled }.count
    }

    /// Sockets with a loop registration, parked ones (idle pooled connections) included; for tests.
    package var watchedSocketCount: Int {
        sockets.values.lazy.filter(\.isWatched).count
    }

    /// Starts a transfer; its `onComplete` runs exactly once unless it is cancelled.
    package func add(_ transfer: CurlTransfer) {
        guard transfer.multi == nil, !transfer.isCancelled else { return }
        transfer.multi = self
        transfer.slot = transfers.count
        transfers.append(transfer)
        // Not through `runOutsideCurl`: its escaping closure is an allocation per request, needed only inside curl.
        if curlDepth > 0 {
            deferred.append { [self] in start(transfer) }
        } else {
            start(transfer)
        }
    }

    /// Hands an added transfer to curl (outside curl).
    private func start(_ transfer: CurlTransfer) {
        guard !transfer.isCancelled, holds(transfer) else { return }
        let easy = transfer.attach(idleHandles.popLast() ?? CurlEasyHandle(), parsed: parsedURL(transfer.url))
        setSocketCallbacks(easy)
        var code = CURLM_OK
        handingCurlWork { code = curl_multi_add_handle(multi, easy) }
        // Unlike the other multi calls, a refusal here is reported to the one transfer concerned:
        // curl has not taken it, so nothing is left half-done.
        guard code == CURLM_OK else {
            forget(transfer)
            recycleHandle(of: transfer)
            transfer.fail(.other(code: code.rawValue, message: String(cString: curl_multi_strerror(code))))
            return
        }
        transfer.isAttached = true
    }

    /// `url` parsed by curl, from the table or parsed now; nil when curl rejects it (the transfer then fails in curl,
    /// with curl's own error, as for any URL). Transfers running with an entry keep it alive when the table is cleared.
    private func parsedURL(_ url: String) -> CurlURL? {
        if let last = lastParsedURL, last.url == url { return last.parsed }
        let parsed: CurlURL?
        if let known = parsedURLs[url] {
            parsed = known
        } else {
            if parsedURLs.count >= Self.parsedURLLimit { parsedURLs.removeAll() }
            parsed = CurlURL(url)
            parsedURLs[url] = .some(parsed)
        }
        lastParsedURL = (url, parsed)
        return parsed
    }

    /// Stops a transfer and forgets it; its `onComplete` is not called.
    package func cancel(_ transfer: CurlTransfer) {
        guard transfer.multi === self, !transfer.isCancelled else { return }
        transfer.isCancelled = true
        // Inside curl, the transfer's callbacks now refuse data, and it is removed once curl returns.
        if curlDepth > 0 {
            deferred.append { [self] in remove(transfer) }
        } else {
            remove(transfer)
        }
    }

    // MARK: curl plumbing

    /// Runs `body` now, or after the curl call in progress returns (curl forbids re-entry).
    func runOutsideCurl(_ body: @escaping () -> Void) {
        if curlDepth > 0 {
            deferred.append(body)
        } else {
            body()
        }
    }

    /// Marks a call into curl, then runs what its callbacks deferred.
    func callingCurl(_ body: () -> Void) {
        curlDepth += 1
        body()
        curlDepth -= 1
        guard curlDepth == 0 else { return }
        while !deferred.isEmpty {
            let next = deferred.removeFirst()
            next()
        }
    }

    /// `callingCurl` for a call that hands curl new work (`curl_multi_add_handle`, unpausing): the 0 ms deadline
    /// curl sets for it is met at the end of this loop turn (`timerChanged`).
    func handingCurlWork(_ body: () -> Void) {
        let outer = kickAtEndOfTurn
        kickAtEndOfTurn = true
        callingCurl(body)
        kickAtEndOfTurn = outer
    }

    private func remove(_ transfer: CurlTransfer) {
        guard holds(transfer) else { return }
        if transfer.isAttached, let easy = transfer.easy {
            callingCurl { curlOrDie(curl_multi_remove_handle(multi, easy), "curl_multi_remove_handle") }
        }
        transfer.isAttached = false
        recycleHandle(of: transfer)
        forget(transfer)
    }

    /// `transfer` is in `transfers`, at its slot.
    private func holds(_ transfer: CurlTransfer) -> Bool {
        let slot = transfer.slot
        return slot >= 0 && slot < transfers.count && transfers[slot] === transfer
    }

    /// Takes `transfer` out of `transfers` (the last one moves into its slot), if it is there.
    private func forget(_ transfer: CurlTransfer) {
        guard holds(transfer) else { return }
        let slot = transfer.slot
        transfer.slot = -1
        let last = transfers.removeLast()
        if last !== transfer {
            transfers[slot] = last
            last.slot = slot
        }
    }

    /// Takes back the handle of a transfer that is out of curl, reset so it keeps no pointer into the transfer.
    private func recycleHandle(of transfer: CurlTransfer) {
        guard let handle = transfer.detach(), idleHandles.count < Self.idleHandleLimit else { return }
        handle.reset()
        idleHandles.append(handle)
    }

    /// Ends a transfer that failed outside curl's own reporting (an unpause that failed): removes it and
    /// completes it with `code`. Runs outside curl.
    func finish(_ transfer: CurlTransfer, _ code: CURLcode) {
        guard holds(transfer) else { return }
        remove(transfer)
        transfer.complete(code)
    }

    private func socketReady(_ fd: curl_socket_t, action: Int32) {
        if let socket = sockets[fd], socket.isParked {
            // An idle pooled connection turned readable: the peer closed it (or sent what nobody asked for).
            // Curl finds out when it next checks the connection; until then, stop the loop reporting it.
            socket.stopWatching()
            sockets[fd] = nil
            return
        }
        socketAction(fd, action)
        reapFinished()
    }

    private func timeoutExpired() {
        socketAction(CURL_SOCKET_TIMEOUT, 0)
        reapFinished()
    }

    /// hiperfifo's `mcode_or_die` around `curl_multi_socket_action`: CURLM_BAD_SOCKET only means curl
    /// closed the socket after this readiness was queued (nothing to do); any other failure is a bug.
    private func socketAction(_ fd: curl_socket_t, _ action: Int32) {
        var running: Int32 = 0
        var code = CURLM_OK
        callingCurl { code = curl_multi_socket_action(multi, fd, action, &running) }
        if code == CURLM_BAD_SOCKET {
            Log.debug("curl: readiness for a socket it already closed (fd \(fd))")
            return
        }
        curlOrDie(code, "curl_multi_socket_action")
    }

    /// hiperfifo's `check_multi_info`: hands every finished transfer its result, one message at a time
    /// (as corelibs' `MultiHandle` does). A completion may cancel or add other transfers, and cancelling
    /// frees a sibling's easy handle and its queued message (`curl_multi_remove_handle` drops it), so
    /// no easy pointer is kept across a completion: each message is read, resolved to its transfer
    /// (a strong reference) and removed before the next is read.
    private func reapFinished() {
        var queued: Int32 = 0
        while let message = curl_multi_info_read(multi, &queued) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            let code = message.pointee.data.result
            guard let transfer = attachedTransfer(easy) else { continue }
            // `message` is curl's and dies with the removal: everything needed was copied above.
            remove(transfer)
            transfer.complete(code)
        }
    }

    /// The transfer an easy handle in this multi belongs to (CURLOPT_PRIVATE), if it is still ours.
    private func attachedTransfer(_ easy: UnsafeMutableRawPointer) -> CurlTransfer? {
        var context: UnsafeMutableRawPointer?
        // CURLINFO_PRIVATE only reads a field of a handle curl just named: it cannot fail here.
        guard gw_curl_easy_getinfo_private(easy, &context) == CURLE_OK, let context else { return nil }
        let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
        return holds(transfer) ? transfer : nil
    }

    fileprivate func socketChanged(_ fd: curl_socket_t, what: Int32, socketContext: UnsafeMutableRawPointer?) {
        if what == CURL_POLL_REMOVE {
            // Curl forgets its pointer to the socket now. A socket it was reading stays registered for the next
            // transfer on its connection (`CurlSocket.park`) until curl closes it (`socketClosing`).
            if let socket = sockets[fd], !socket.park() { sockets[fd] = nil }
            return
        }
        let socket: CurlSocket
        if let socketContext {
            socket = Unmanaged<CurlSocket>.fromOpaque(socketContext).takeUnretainedValue()
        } else {
            if let parked = sockets[fd] {
                // A pooled connection's next transfer: its registration is still in place.
                socket = parked
                socket.isParked = false
            } else {
                socket = CurlSocket(loop: loop, fd: fd) { [weak self] fd, action in
                    self?.socketReady(fd, action: action)
                }
                sockets[fd] = socket
            }
            // Inside curl's socket callback for this very fd: curl knows it, so this cannot fail.
            curlOrDie(curl_multi_assign(multi, fd, Unmanaged.passUnretained(socket).toOpaque()), "curl_multi_assign")
        }
        do {
            try socket.watch(what)
        } catch {
            // epoll refused the fd (out of watches or memory): tell curl the socket failed, once curl has
            // returned, so the transfer on it ends with an error instead of waiting for its timeout.
            Log.warning("curl: cannot watch socket \(fd): \(error)")
            runOutsideCurl { [weak self] in self?.socketReady(fd, action: CURL_CSELECT_ERR) }
        }
    }

    /// CURLOPT_CLOSESOCKETFUNCTION: curl is about to close `fd` (it has already sent CURL_POLL_REMOVE for it if it
    /// was watching it). Its loop registration ends first, so no event outlives the fd and a later socket that
    /// gets the same number is never mistaken for it.
    fileprivate func socketClosing(_ fd: curl_socket_t) {
        guard let socket = sockets[fd] else { return }
        socket.stopWatching()
        // A socket curl still points at (no CURL_POLL_REMOVE came) stays in the table, unwatched, until it does.
        if socket.isParked { sockets[fd] = nil }
    }

    /// CURLOPT_SOCKOPTFUNCTION: curl opened `fd`. A parked socket of that number means curl closed one without
    /// `socketClosing`; its registration is stale and is dropped before the new socket is watched.
    fileprivate func socketOpened(_ fd: curl_socket_t) {
        guard let stale = sockets[fd], stale.isParked else { return }
        Log.warning("curl: fd \(fd) was closed without CURLOPT_CLOSESOCKETFUNCTION; dropping its stale watch")
        stale.stopWatching()
        sockets[fd] = nil
    }

    /// The options every easy handle of this multi carries, whatever its transfer (`CurlTransfer.attach`):
    /// curl copies them into each connection the handle opens, and the connection may outlive the transfer.
    func setSocketCallbacks(_ easy: UnsafeMutableRawPointer) {
        // passUnretained: the multi closes every connection (curl_multi_cleanup in deinit) before it goes.
        let context = Unmanaged.passUnretained(self).toOpaque()
        curlOrDie(gw_curl_easy_setopt_closesocketfunction(easy, multiSocketClosing), "CURLOPT_CLOSESOCKETFUNCTION")
        curlOrDie(gw_curl_easy_setopt_ptr(easy, CURLOPT_CLOSESOCKETDATA, context), "CURLOPT_CLOSESOCKETDATA")
        curlOrDie(gw_curl_easy_setopt_sockoptfunction(easy, multiSocketOpened), "CURLOPT_SOCKOPTFUNCTION")
        curlOrDie(gw_curl_easy_setopt_ptr(easy, CURLOPT_SOCKOPTDATA, context), "CURLOPT_SOCKOPTDATA")
    }

    fileprivate func timerChanged(_ milliseconds: Int) {
        // Never call socket_action from here (curl forbids it). A 0 ms deadline asked for while handing curl new
        // work runs once the loop callback that did so returns; one asked for by curl's own processing goes through
        // the loop timer, so the loop polls its sockets first and a curl that keeps asking cannot starve them.
        kickDue = false
        if milliseconds < 0 {
            timer?.cancel()
        } else if milliseconds == 0, kickAtEndOfTurn {
            timer?.cancel()
            kickDue = true
            if !kickScheduled {
                kickScheduled = true
                loop.endOfTurn.schedule(self)
            }
        } else {
            timer?.schedule(after: Double(milliseconds) / 1000)
        }
    }

    /// The end-of-turn kick (`timerChanged`): what the loop timer would have run, without the loop turn.
    package func flushAtEndOfTurn() {
        kickScheduled = false
        guard kickDue else { return }
        kickDue = false
        timeoutExpired()
    }
}

private func multiSocketChanged(
    _: UnsafeMutableRawPointer?, _ fd: curl_socket_t, _ what: Int32,
    _ context: UnsafeMutableRawPointer?, _ socketContext: UnsafeMutableRawPointer?
) -> Int32 {
    guard let context else { return -1 }
    let multi = Unmanaged<CurlMulti>.fromOpaque(context).takeUnretainedValue()
    withExtendedLifetime(multi) { multi.socketChanged(fd, what: what, socketContext: socketContext) }
    return 0
}

private func multiTimerChanged(_: UnsafeMutableRawPointer?, _ milliseconds: Int, _ context: UnsafeMutableRawPointer?)
    -> Int32
{
    guard let context else { return -1 }
    let multi = Unmanaged<CurlMulti>.fromOpaque(context).takeUnretainedValue()
    withExtendedLifetime(multi) { multi.timerChanged(milliseconds) }
    return 0
}

private func multiSocketClosing(_ context: UnsafeMutableRawPointer?, _ fd: curl_socket_t) -> Int32 {
    if let context {
        let multi = Unmanaged<CurlMulti>.fromOpaque(context).takeUnretainedValue()
        withExtendedLifetime(multi) { multi.socketClosing(fd) }
    }
    return close(fd)
}

private func multiSocketOpened(_ context: UnsafeMutableRawPointer?, _ fd: curl_socket_t, _: curlsocktype) -> Int32 {
    if let context {
        let multi = Unmanaged<CurlMulti>.fromOpaque(context).takeUnretainedValue()
        withExtendedLifetime(multi) { multi.socketOpened(fd) }
    }
    return CURL_SOCKOPT_OK
}
