import CLibevent
import Glibc

/// A connected Unix-domain stream socket on a libevent bufferevent: bytes in, bytes out.
/// Closing it is the peer's cancel signal (see docs/protocol.md).
///
/// Callbacks run on the loop thread; callers capture `self` weakly in them. Dropping the last
/// reference closes the socket like `close()`.
package final class StreamConnection: EndOfTurnFlushing {
    private let loop: EventLoop
    /// The `bufferevent*`; nil once closed. Freeing it closes the socket (`BEV_OPT_CLOSE_ON_FREE`).
    private var bufferEvent: OpaquePointer?
    private var closeWhenFlushed = false
    /// Set while a `closeAfterFlush()` is pending, so the caller may drop the connection meanwhile.
    private var selfUntilFlushed: StreamConnection?
    /// Given to `closeAfterFlush(then:)`: runs once the socket is closed.
    private var onClosedAfterFlush: (() -> Void)?
    private var wasAboveLowWatermark = false
    /// A flush is queued on the loop's `EndOfTurn`: everything written meanwhile goes out in one send.
    private var flushScheduled = false
    /// The kernel refused part of the output: the bufferevent's write event is on until it drained.
    private var waitingForKernel = false

    /// Everything read so far, in one array per read event; the input buffer is drained each time.
    package var onRead: (([UInt8]) -> Void)?
    /// Instead of `onRead` when set: everything read so far, in place in the input buffer (made
    /// contiguous), valid only during the call and drained after it; for a reader that copies what it
    /// keeps anyway, so a read event costs no array.
    package var onReadBytes: ((UnsafeRawBufferPointer) -> Void)?
    /// EOF or error from the peer; called once, never after a local `close()` or `closeAfterFlush()`.
    package var onClose: (() -> Void)?
    /// The output buffer dropped to `lowWatermark` or below after having been above it.
    package var onDrain: (() -> Void)?

    /// Bound for `onDrain`; 64 KiB by default.
    package var lowWatermark: Int = 64 * 1024 {
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
        guard let bev = bufferevent_socket_new(loop.base, fd, Int32(BEV_OPT_CLOSE_ON_FREE.rawValue)) else {
            Glibc.close(fd)
            throw .libevent("bufferevent_socket_new")
        }
        bufferEvent = bev
        // passUnretained: deinit frees the bufferevent, so the callbacks never outlive self.
        bufferevent_setcb(bev, streamReadable, streamWritable, streamEvent, Unmanaged.passUnretained(self).toOpaque())
        applyWriteWatermark()
        // Writing is ours (see `write`): the bufferevent's write event (on by default) is on only while the
        // kernel is full.
        _ = bufferevent_disable(bev, Int16(EV_WRITE))
        _ = bufferevent_enable(bev, Int16(EV_READ))
    }

    deinit {
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
        guard let bufferEvent else { return }
        _ = bufferevent_disable(bufferEvent, Int16(EV_READ))
    }

    package func resumeReading() {
        guard let bufferEvent, !closeWhenFlushed else { return }
        _ = bufferevent_enable(bufferEvent, Int16(EV_READ))
    }

    /// Closes now; queued output is dropped and no callback runs afterwards.
    package func close() {
        guard let bufferEvent else { return }
        self.bufferEvent = nil
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
        _ = bufferevent_disable(bufferEvent, Int16(EV_READ))
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

    fileprivate func readable() {
        guard let bufferEvent, !closeWhenFlushed else { return }
        let input = bufferevent_get_input(bufferEvent)
        let count = evbuffer_get_length(input)
        guard count > 0 else { return }
        if let onReadBytes {
            guard let base = evbuffer_pullup(input, count) else { return }
            onReadBytes(UnsafeRawBufferPointer(start: base, count: count))
            // The callback may have closed (freed) the connection, input buffer and all.
            if self.bufferEvent == bufferEvent { _ = evbuffer_drain(input, count) }
            return
        }
        guard let onRead else { return }
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            let removed = evbuffer_remove(input, buffer.baseAddress, count)
            initialized = max(0, Int(removed))
        }
        onRead(bytes)
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

    fileprivate func event(_ what: Int16) {
        guard what & Int16(BEV_EVENT_EOF | BEV_EVENT_ERROR) != 0 else { return }
        let notify = !closeWhenFlushed
        // Bytes that arrived together with the EOF are delivered before the close.
        if notify { readable() }
        close()
        if notify, let onClose {
            self.onClose = nil
            onClose()
        }
    }
}

private func streamReadable(_: OpaquePointer?, _ context: UnsafeMutableRawPointer?) {
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
