import Foundation
import Testing

@testable import GatewayLog

@Suite struct LogLineTests {
    /// 2026-11-29T17:46:15.123Z
    static let time = timespec(tv_sec: 1_795_974_375, tv_nsec: 123_456_789)

    @Test func textKeepsTheRequestIdFirstAndOtherFieldsLast() {
        let line = Log.line(
            level: .info, component: "translator", message: "SageMaker call ok",
            fields: ["request_id": "req_1", "upstream_request_id": "abc"], format: .text, time: Self.time)
        #expect(line == "INFO translator req_1 SageMaker call ok upstream_request_id=abc\n")
        #expect(
            Log.line(level: .warning, component: "httpshim", message: "m", fields: [:], format: .text, time: Self.time)
                == "WARN httpshim m\n")
    }

    @Test func jsonIsOneObjectPerLineWithFieldsAtTheTop() throws {
        let line = Log.line(
            level: .error, component: "httpshim", message: "quote \" backslash \\ newline \n tab \t bell \u{7} é",
            fields: ["request_id": "req_1"], format: .json, time: Self.time)
        #expect(line.hasSuffix("}\n"))
        #expect(line.dropLast().contains("\n") == false)
        #expect(line.hasPrefix(#"{"ts":"2026-11-29T17:46:15.123Z","level":"error","component":"httpshim","msg":"#))
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["msg"] == "quote \" backslash \\ newline \n tab \t bell \u{7} é")
        #expect(object["request_id"] == "req_1")
        #expect(object["level"] == "error")
        #expect(object.count == 5)
    }

    @Test func timestampPadsEveryField() {
        #expect(Log.timestamp(timespec(tv_sec: 0, tv_nsec: 5_000_000)) == "1970-01-01T00:00:00.005Z")
    }

    @Test func formatIsCheckedAtConfiguration() {
        let saved = (Log.format, Log.threshold, Log.component)
        defer { (Log.format, Log.threshold, Log.component) = saved }
        #expect(Log.configure(component: "c", level: nil, format: "JSON") == nil)
        #expect(Log.format == .json)
        #expect(Log.configure(component: "c", level: nil, format: "xml") == "LOG_FORMAT must be json or text, got xml")
        #expect(Log.configure(component: "c", level: nil, format: "") == nil)
        #expect(Log.format == .json)
    }

    @Test func logsAnswersForTheThreshold() {
        let levels: [Log.Level] = [.trace, .debug, .info, .notice, .warning, .error]
        for level in levels {
            #expect(Log.logs(level) == (level >= Log.threshold))
        }
        #expect(Log.logs(.error))
    }
}
