import EventLoop
import Testing

@Suite("RequestHeadScanner")
struct RequestHeadScannerTests {
    static let head = Array("GET /ping HTTP/1.1\r\nHost: x\r\n\r\nbody".utf8)

    @Test func findsTheBlankLineAfterCRLFHeaders() {
        #expect(RequestHeadScanner.headEnd(in: Self.head, from: 0, consumedBefore: false) == Self.head.count - 4)
    }

    @Test func bareLineFeedsEndAHeadToo() {
        let bytes = Array("GET / HTTP/1.1\nHost: x\n\nrest".utf8)
        #expect(RequestHeadScanner.headEnd(in: bytes, from: 0, consumedBefore: false) == bytes.count - 4)
    }

    @Test func noBlankLineNoEnd() {
        let bytes = Array("GET / HTTP/1.1\r\nHost: x\r\nX-Long: aaaa".utf8)
        #expect(RequestHeadScanner.headEnd(in: bytes, from: 0, consumedBefore: false) == nil)
    }

    @Test func aLeadingEmptyLineIsNotTheEndUnlessLinesWereConsumed() {
        // Bytes left after evhttp consumed every header line: just the terminating CRLF.
        #expect(RequestHeadScanner.headEnd(in: Array("\r\n".utf8), from: 0, consumedBefore: true) == 2)
        #expect(RequestHeadScanner.headEnd(in: Array("\n".utf8), from: 0, consumedBefore: true) == 1)
        // At the very start of a connection an empty line precedes the request line (RFC 9112 §2.2).
        let leading = Array("\r\nGET / HTTP/1.1\r\n\r\n".utf8)
        #expect(RequestHeadScanner.headEnd(in: leading, from: 0, consumedBefore: false) == leading.count)
    }

    /// The guard scans from just before the newly added bytes: every split of the head into an old
    /// part and a new part must find the same end.
    @Test func everySplitFindsTheSameEnd() {
        let expected = Self.head.count - 4
        for split in 0...Self.head.count {
            let start = max(0, split - 2)
            let found = RequestHeadScanner.headEnd(in: Self.head, from: start, consumedBefore: false)
            if split >= expected {
                // The end was in the old part, already reported on an earlier read.
                #expect(found == nil || found == expected)
            } else {
                #expect(found == expected, "split at \(split)")
            }
        }
    }

    @Test func startPastTheEndFindsNothing() {
        #expect(RequestHeadScanner.headEnd(in: Self.head, from: Self.head.count, consumedBefore: false) == nil)
        #expect(RequestHeadScanner.headEnd(in: [], from: 0, consumedBefore: true) == nil)
    }

    @Test func defaultConnectionCapLeavesRoomForTwoDescriptorsPerRequest() {
        #expect(HTTPLimits.defaultMaxConnections(fileLimit: 1024) == 480)
        #expect(HTTPLimits.defaultMaxConnections(fileLimit: 65536) == 32736)
        #expect(HTTPLimits.defaultMaxConnections(fileLimit: 64) == 16)
    }
}
