import CLibevent
import Glibc

/// A connected Unix-domain stream socket: bytes in through an event of its own, bytes out through a
/// libevent bufferevent. Closing it is the peer's cancel signal (see docs/protocol.md).
///
/// Not the bufferevent's reading: it asks the kernel how much is waiting (`FIONREAD`) before every read
/// and then reads at most 4 KiB, an extra system call per read and several reads for a busy turn's frames.
///
/// Callbacks run on the loop thread; callers capture `self` weakly in them. Dropping the last
/// reference closes the socket like `close()`.
///
/// Its per-request stored properties are `@exclusivity(unchecked)` (see `EventLoop`'s note on it).
package final class StreamConnection: EndOfTurnFlushing {
    private let loop: EventLoop
    /// The `bufferevent*`; nil once closed. Freeing it closes the socket (`BEV_OPT_CLOSE_ON_FREE`).
    @exclusivity(unchecked) private var bufferEvent: OpaquePointer?
    /// The socket's read event (persistent); freed with the bufferevent, before the socket closes.
    private var readEvent: OpaquePointer?
    private let fd: Int32
    @exclusivity(unchecked) private var closeWhenFlushed = false
    /// Set while a `closeAfterFlush()` is pending, so the caller may drop the connection meanwhile.
    private var selfUntilFlushed: StreamConnection?
    /// Given to `closeAfterFlush(then:)`: runs once the socket is closed.
    private var onClosedAfterFlush: (() -> Void)?
    @exclusivity(unchecked) private var wasAboveLowWatermark = false
    /// A flush is queued on the loop's `EndOfTurn`: everything written meanwhile goes out in one send.
    @exclusivity(unchecked) private var flushScheduled = false
    /// The kernel refused part of the output: the bufferevent's write event is on until it drained.
    @exclusivity(unchecked) private var waitingForKernel = false

    /// What one read took from the socket, as an array.
    @exclusivity(unchecked) package var onRead: (([UInt8]) -> Void)?
    /// Instead of `onRead` when set: what one read took, in place in the loop's read buffer, valid only
    /// during the call; for a reader that copies what it keeps anyway, so a read event costs no array.
    @exclusivity(unchecked) package var onReadBytes: ((UnsafeRawBufferPointer) -> Void)?
    /// What the reader schedules on the loop's `EndOfTurn` while it handles a read is flushed as the read's
    /// callback returns (`EndOfTurn.flushingAfter`) rather than by the end-of-turn event: for a reader that is
    /// the whole of its turn's work, as the shim's link to the translator is while tokens arrive one at a time.
    @exclusivity(unchecked) package var flushesAfterRead = false
    /// EOF or error from the peer; called once, never after a local `close()` or `closeAfterFlush()`.
    @exclusivity(unchecked) package var onClose: (() -> Void)?
    /// The output buffer dropped to `lowWatermark` or below after having been above it.
    @exclusivity(unchecked) package var onDrain: (() -> Void)?

    /// Bound for `onDrain`; 64 KiB by default. Read by every `write`.
    @exclusivity(unchecked) package var lowWatermark: Int = 64 * 1024 {
        didSet { applyWriteWatermark() }
    }

    /// Connects to a listening Unix socket. A Unix-socket connect completes or fails at once, so a
    /// missing listener is reported here (ENOENT, ECONNREFUSED) rather than later through `onClose`.
    package static func connect(loop: EventLoop, path: String) throws(EventLoopError) -> StreamConnection {
        let address = try UnixSocketAddress(path: path)
        let fd = try makeUnixStreamSocket()
        let result = address.withSockAddr { Glibc.connect(fd, $0, $1) }
        if result != 0 {
            let code = errno
            Glibc.close(fd)
            throw .socket("connect(\(path))", errno: code)
        }
        return try StreamConnection(loop: loop, adopting: fd)
    }

    /// Takes ownership of a connected, non-blocking socket.
    init(loop: EventLoop, adopting fd: Int32) throws(EventLoopError) {
        self.loop = loop
        self.fd = fd
        guard let bev = bufferevent_socket_new(loop.base, fd, Int32(BEV_OPT_CLOSE_ON_FREE.rawValue)) else {
            Glibc.close(fd)
            throw .libevent("bufferevent_socket_new")
        }
        bufferEvent = bev
        // passUnretained: deinit frees the bufferevent and the read event, so no callback outlives self.
        let context = Unmanaged.passUnretained(self).toOpaque()
        bufferevent_setcb(bev, nil, streamWritable, streamEvent, context)
        applyWriteWatermark()
        // Writing is ours too (see `write`): the bufferevent's write event (on by default) is on only while
        // the kernel is full, and its read event never.
        _ = bufferevent_disable(bev, Int16(EV_READ | EV_WRITE))
        guard let readEvent = event_new(loop.base, fd, Int16(EV_READ | EV_PERSIST), streamReadable, context) else {
            bufferevent_free(bev)
            throw .libevent("event_new")
        }
        self.readEvent = readEvent
        _ = event_add(readEvent, nil)
    }

    deinit {
        if let readEvent { event_free(readEvent) }
        if let bufferEvent { bufferevent_free(bufferEvent) }
    }

    package var isClosed: Bool { bufferEvent == nil }

    package func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { write($0) }
    }

    /// Queues the bytes; they go out together with everything else written before the current loop
    /// callback returns. A bufferevent with its write event on would arm the event for every write and
    /// disarm it a loop turn later, two epoll_ctl calls and a wake-up for every streamed token; here the
    /// event is on only while the kernel refuses bytes, and a callback's frames leave in one send.
    package func write(_ bytes: UnsafeRawBufferPointer) {
        guard let bufferEvent, !closeWhenFlushed, let base = bytes.baseAddress, !bytes.isEmpty else { return }
        _ = bufferevent_write(bufferEvent, base, bytes.count)
        if !flushScheduled, !waitingForKernel {
            flushScheduled = true
            loop.endOfTurn.schedule(self)
        }
        if outputBufferedBytes > lowWatermark { wasAboveLowWatermark = true }
    }

    package func flushAtEndOfTurn() {
        flushScheduled = false
        guard let bufferEvent, !waitingForKernel, outputBufferedBytes > 0 else { return }
        if writeQueuedOutput(of: bufferEvent) > 0 {
            waitingForKernel = true
            _ = bufferevent_enable(bufferEvent, Int16(EV_WRITE))
        } else if wasAboveLowWatermark {
            writable()
        }
    }

    /// Bytes queued in user space toward the peer (not yet accepted by the kernel).
    package var outputBufferedBytes: Int {
        guard let bufferEvent else { return 0 }
        return evbuffer_get_length(bufferevent_get_output(bufferEvent))
    }

    /// Stops reading from the socket; the kernel buffer then fills and the peer's writes block.
    package func pauseReading() {
        guard let readEvent else { return }
        _ = event_del(readEvent)
    }

    package func resumeReading() {
        guard let readEvent, !closeWhenFlushed else { return }
        _ = event_add(readEvent, nil)
    }

    /// Closes now; queued output is dropped and no callback runs afterwards.
    package func close() {
        guard let bufferEvent else { return }
        self.bufferEvent = nil
        if let readEvent {
            self.readEvent = nil
            event_free(readEvent)
        }
        bufferevent_free(bufferEvent)
        if let closed = onClosedAfterFlush {
            onClosedAfterFlush = nil
            closed()
        }
        // Last: this may release the final reference.
        selfUntilFlushed = nil
    }

    /// Stops reading and closes once the queued output has reached the kernel (or the peer fails).
    /// The connection keeps itself alive until then, so the caller may drop it at once. Of the
    /// callbacks, only `then` runs afterwards: once, when the socket is closed (at once if nothing
    /// was queued), so a process that is shutting down knows when its last bytes are out.
    package func closeAfterFlush(then closed: (() -> Void)? = nil) {
        guard let bufferEvent, !closeWhenFlushed else { return }
        closeWhenFlushed = true
        onClosedAfterFlush = closed
        pauseReading()
        if outputBufferedBytes == 0 {
            close()
        } else {
            selfUntilFlushed = self
            applyWriteWatermark()
            waitingForKernel = true
            _ = bufferevent_enable(bufferEvent, Int16(EV_WRITE))
        }
    }

    private func applyWriteWatermark() {
        guard let bufferEvent else { return }
        // The write callback fires when the output drops to this mark: 0 while waiting to close.
        let mark = closeWhenFlushed ? 0 : max(0, lowWatermark)
        bufferevent_setwatermark(bufferEvent, Int16(EV_WRITE), mark, 0)
    }

    /// One read per readiness: the event is level-triggered, so what a read leaves waiting wakes the loop
    /// again, and one busy connection cannot starve the rest.
    fileprivate func readable() {
        guard flushesAfterRead else { return _ = readOnce() }
        loop.endOfTurn.flushingAfter { _ = readOnce() }
    }

    /// True when it handed bytes on.
    private func readOnce() -> Bool {
        guard bufferEvent != nil, !closeWhenFlushed else { return false }
        let scratch = loop.readScratch
        let count = Glibc.read(fd, scratch.baseAddress, scratch.count)
        if count > 0 {
            let bytes = UnsafeRawBufferPointer(rebasing: scratch[..<count])
            if let onReadBytes {
                onReadBytes(bytes)
            } else if let onRead {
                onRead([UInt8](bytes))
            }
            return true
        }
        if count < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return false }
        // 0 is the peer's EOF; anything else an error on the socket: either way the connection is over.
        peerGone()
        return false
    }

    fileprivate func writable() {
        if closeWhenFlushed {
            if outputBufferedBytes == 0 { close() }
            return
        }
        if waitingForKernel, outputBufferedBytes == 0, let bufferEvent {
            waitingForKernel = false
            _ = bufferevent_disable(bufferEvent, Int16(EV_WRITE))
        }
        guard wasAboveLowWatermark, outputBufferedBytes <= lowWatermark else { return }
        wasAboveLowWatermark = false
        onDrain?()
    }

    /// The bufferevent's events come from writing only (it never reads): the peer is gone.
    fileprivate func event(_ what: Int16) {
        guard what & Int16(BEV_EVENT_EOF | BEV_EVENT_ERROR) != 0 else { return }
        // What the peer sent before it went is delivered before the close.
        while readOnce() {}
        peerGone()
    }

    private func peerGone() {
        guard bufferEvent != nil else { return }
        let notify = !closeWhenFlushed
        close()
        if notify, let onClose {
            self.onClose = nil
            onClose()
        }
    }
}

private func streamReadable(_: Int32, _: Int16, _ context: UnsafeMutableRawPointer?) {
    guard let context else { return }
    let connection = Unmanaged<StreamConnection>.fromOpaque(context).takeUnretainedValue()
    withExtendedLifetime(connection) { connection.readable() }
}

private func streamWritable(_: OpaquePointer?, _ context: UnsafeMutableRawPointer?) {
    guard let context else { return }
    let connection = Unmanaged<StreamConnection>.fromOpaque(context).takeUnretainedValue()
    withExtendedLifetime(connection) { connection.writable() }
}

private func streamEvent(_: OpaquePointer?, _ what: Int16, _ context: UnsafeMutableRawPointer?) {
    guard let context else { return }
    let connection = Unmanaged<StreamConnection>.fromOpaque(context).takeUnretainedValue()
    withExtendedLifetime(connection) { connection.event(what) }
}
