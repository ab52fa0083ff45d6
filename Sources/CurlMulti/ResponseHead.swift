/// The header fields of a final response, kept as the bytes curl delivered and decoded into strings only when
/// asked: a SageMaker answer's half-dozen fields made a dozen strings per call, when a successful call reads
/// one of them (`x-amzn-RequestId`).
package struct ResponseHead {
    /// Each field line without its line break, after its length (`appendLine`): reading one skips to the
    /// next without looking at the bytes in between.
    private let lines: [UInt8]

    init(lines: [UInt8]) {
        self.lines = lines
    }

    /// Appends `line` to `lines` as `init(lines:)` takes them.
    static func appendLine(_ line: UnsafeRawBufferPointer, to lines: inout [UInt8]) {
        // The length's four bytes in one append: one at a time, each checked capacity and uniqueness.
        withUnsafeBytes(of: UInt32(truncatingIfNeeded: line.count).bigEndian) { lines.append(contentsOf: $0) }
        lines.append(contentsOf: line)
    }

    /// The fields as `CurlTransfer.onResponse` hands them over, in order.
    package var fields: [(String, String)] {
        var fields: [(String, String)] = []
        forEachLine { line in
            if case .field(let name, let value) = ResponseHeaderLine(line) { fields.append((name, value)) }
        }
        return fields
    }

    /// The value of the last field named `lowercaseName` (lowercase ASCII) in any case, as `fields` has it.
    package func lastValue(of lowercaseName: StaticString) -> String? {
        var found: String?
        lowercaseName.withUTF8Buffer { wanted in
            forEachLine { line in
                guard line.count > wanted.count, line[wanted.count] == UInt8(ascii: ":") else { return }
                for index in 0..<wanted.count {
                    let byte = line[index]
                    let folded = (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
                    guard folded == wanted[index] else { return }
                }
                // The value as `ResponseHeaderLine` reads it: its leading blanks dropped.
                var start = wanted.count + 1
                while start < line.count, line[start] == 0x20 || line[start] == 0x09 { start += 1 }
                found = String(decoding: UnsafeRawBufferPointer(rebasing: line[start...]), as: UTF8.self)
            }
        }
        return found
    }

    private func forEachLine(_ body: (UnsafeRawBufferPointer) -> Void) {
        lines.withUnsafeBytes { bytes in
            var start = 0
            while start + 4 <= bytes.count {
                let count =
                    Int(bytes[start]) << 24 | Int(bytes[start + 1]) << 16 | Int(bytes[start + 2]) << 8
                    | Int(bytes[start + 3])
                start += 4
                body(UnsafeRawBufferPointer(rebasing: bytes[start..<(start + count)]))
                start += count
            }
        }
    }
}
