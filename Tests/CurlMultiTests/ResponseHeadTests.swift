import Testing

@testable import CurlMulti

/// `ResponseHead` gives the fields the per-line parse gives, and finds one by name as a search of them would.
@Suite struct ResponseHeadTests {
    /// The lines as `CurlTransfer` keeps them: each field line without its line break.
    static func head(_ lines: [[UInt8]]) -> ResponseHead {
        var stored: [UInt8] = []
        for line in lines {
            line.withUnsafeBytes { bytes in
                guard case .field(let length) = ResponseHeaderLine.kind(of: bytes) else { return }
                ResponseHead.appendLine(UnsafeRawBufferPointer(rebasing: bytes[..<length]), to: &stored)
            }
        }
        return ResponseHead(lines: stored)
    }

    static func expectedFields(_ lines: [[UInt8]]) -> [(String, String)] {
        lines.compactMap { line in
            guard case .field(let name, let value) = line.withUnsafeBytes({ ResponseHeaderLine($0) }) else {
                return nil
            }
            return (name, value)
        }
    }

    /// What `Session.recordUpstream` did with the fields: the last whose name lowercases to `name`.
    static func expectedValue(_ fields: [(String, String)], _ name: String) -> String? {
        fields.last { $0.0.utf8.count == name.utf8.count && $0.0.lowercased() == name }?.1
    }

    static func check(_ lines: [[UInt8]]) {
        let head = Self.head(lines)
        let fields = Self.expectedFields(lines)
        #expect(head.fields.map(\.0) == fields.map(\.0))
        #expect(head.fields.map(\.1) == fields.map(\.1))
        #expect(head.lastValue(of: "x-amzn-requestid") == Self.expectedValue(fields, "x-amzn-requestid"))
        #expect(head.lastValue(of: "x-amzn-errortype") == Self.expectedValue(fields, "x-amzn-errortype"))
    }

    @Test func sageMakerAnswer() {
        let lines = [
            "Content-Type: application/json\r\n", "x-amzn-RequestId: 1b2c\r\n",
            "X-AMZN-ERRORTYPE:\tValidationError:x\r\n",
            "Date: Mon, 30 Nov 2026 08:00:00 GMT\r\n", "x-amzn-requestid: second \r\n", "junk\r\n",
            "x-amzn-requestid\r\n",
            "x-amzn-requestidx: no\r\n", "Content-Length: 0\r\n",
        ].map { Array($0.utf8) }
        Self.check(lines)
        let head = Self.head(lines)
        #expect(head.lastValue(of: "x-amzn-requestid") == "second ")
        #expect(head.lastValue(of: "x-amzn-errortype") == "ValidationError:x")
        #expect(Self.head([]).fields.isEmpty && Self.head([]).lastValue(of: "x-amzn-requestid") == nil)
    }

    /// Blocks of lines drawn from bytes that matter to the parser, the names looked up, and invalid UTF-8.
    @Test func randomBlocksMatchThePerLineParse() {
        let pieces =
            ["x-amzn-RequestId", "X-Amzn-ErrorType", "x-amzn-requestid", "a", ":", " ", "\t", "\r", "v", "é"]
            .map { Array($0.utf8) } + [[0xFF], [0xC3]]
        var state: UInt64 = 42
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for _ in 0..<2000 {
            var lines: [[UInt8]] = []
            for _ in 0..<next(6) {
                var line: [UInt8] = []
                for _ in 0..<next(6) { line += pieces[next(pieces.count)] }
                lines.append(line + [0x0D, 0x0A])
            }
            Self.check(lines)
        }
    }
}
