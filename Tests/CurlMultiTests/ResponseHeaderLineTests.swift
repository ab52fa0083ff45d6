import Testing

@testable import CurlMulti

/// `ResponseHeaderLine` reads each line as the slice-based parser it replaced did (kept here as the reference).
@Suite struct ResponseHeaderLineTests {
    /// The previous parser, as it was in `CurlTransfer.headerReceived`.
    static func reference(_ line: [UInt8]) -> ResponseHeaderLine {
        line.withUnsafeBytes { bytes in
            var raw = bytes[...]
            while let last = raw.last, last == 0x0A || last == 0x0D { raw = raw.dropLast() }
            if raw.starts(with: Array("HTTP/".utf8)) {
                guard let space = raw.firstIndex(of: 0x20) else { return .status(0) }
                var code = 0
                var digits = 0
                for byte in raw[(space + 1)...].drop(while: { $0 == 0x20 }) {
                    if byte == 0x20 { break }
                    guard (0x30...0x39).contains(byte), digits < 18 else { return .status(0) }
                    code = code * 10 + Int(byte - 0x30)
                    digits += 1
                }
                return .status(digits > 0 ? code : 0)
            } else if raw.isEmpty {
                return .end
            } else if let colon = raw.firstIndex(of: UInt8(ascii: ":")) {
                var value = raw[(colon + 1)...]
                while let first = value.first, first == 0x20 || first == 0x09 { value = value.dropFirst() }
                return .field(
                    name: String(decoding: raw[..<colon], as: UTF8.self), value: String(decoding: value, as: UTF8.self))
            }
            return .other
        }
    }

    static func parse(_ line: [UInt8]) -> ResponseHeaderLine {
        line.withUnsafeBytes { ResponseHeaderLine($0) }
    }

    @Test(arguments: [
        "HTTP/1.1 200 OK\r\n", "HTTP/2 404\r\n", "HTTP/1.1  204   No Content\r\n", "HTTP/1.1 abc\r\n", "HTTP/1.1\r\n",
        "HTTP/1.1 \r\n", "HTTP/1.1 2x0\r\n", "HTTP/1.1 999999999999999999\r\n", "HTTP/1.1 9999999999999999999\r\n",
        "HTTP/ 100 Continue\n", "HTTP/1.1 100 Continue\r\n\r\n", "HTTP/", "HTTP", "HTTP:1", "\r\n", "\n", "", "\r\r\n",
        "Content-Type: application/json\r\n", "x-amzn-RequestId:abc\r\n", "Name:\t  value with  spaces \t\r\n",
        "Name:   \r\n", ": empty name\r\n", "a:b:c\r\n", "NoColon\r\n", "Date: Mon, 30 Nov 2026 08:00:00 GMT\r\n",
        "X-Odd: caf\u{e9} \u{1F680}\r\n", "  leading: blank\r\n",
    ])
    func knownLines(_ line: String) {
        #expect(Self.parse(Array(line.utf8)) == Self.reference(Array(line.utf8)))
    }

    @Test func expectedReadings() {
        #expect(Self.parse(Array("HTTP/1.1 200 OK\r\n".utf8)) == .status(200))
        #expect(Self.parse(Array("\r\n".utf8)) == .end)
        #expect(Self.parse(Array("A: \t b \r\n".utf8)) == .field(name: "A", value: "b "))
        #expect(Self.parse(Array("junk\r\n".utf8)) == .other)
    }

    /// Lines of bytes drawn from the characters that matter to the parser, and invalid UTF-8.
    @Test func randomLinesMatchTheReference() {
        let alphabet = Array("HTTP/ :\t\r\n0123456789a".utf8) + [0xC3, 0xA9, 0xFF]
        var state: UInt64 = 0x1234_5678
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for _ in 0..<5000 {
            var line: [UInt8] = next(3) == 0 ? Array("HTTP/1.1 ".utf8) : []
            for _ in 0..<next(24) { line.append(alphabet[next(alphabet.count)]) }
            let parsed = Self.parse(line)
            #expect(parsed == Self.reference(line), "\(line)")
            // `kind(of:)`, which `CurlTransfer` reads lines with, says the same without decoding.
            switch (line.withUnsafeBytes { ResponseHeaderLine.kind(of: $0) }, parsed) {
            case (.status(let a), .status(let b)): #expect(a == b)
            case (.field(let length), .field):
                #expect(length <= line.count && line[length...].allSatisfy { $0 == 0x0A || $0 == 0x0D })
            case (.end, .end), (.other, .other): break
            default: Issue.record("kind and parse differ for \(line)")
            }
        }
    }
}
