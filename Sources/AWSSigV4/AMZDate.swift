import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The two UTC renderings of the signing time SigV4 uses: `x-amz-date` (`yyyyMMddTHHmmssZ`, ISO 8601 basic) and
/// the credential-scope date (`yyyyMMdd`).
///
/// Done by hand rather than with `DateFormatter`: it is pure arithmetic, needs no locale or calendar, and runs
/// on every request; the calendar arithmetic is `CivilDate`'s.
package struct AMZDate: Sendable, Equatable {
    /// `20150830T123600Z`
    package let amzDate: String
    /// `20150830`
    package let dateStamp: String

    /// The rendering of the last second asked for, for `rendering(_:)`.
    private static let lastRendered = Mutex<(second: Int64, date: AMZDate)?>(nil)

    /// `AMZDate(date)`, rendered once per second: every signed request asks, and a busy gateway signs many in a
    /// second.
    package static func rendering(_ date: Date) -> AMZDate {
        let second = Self.second(of: date)
        if let hit = lastRendered.withLock({ $0?.second == second ? $0?.date : nil }) { return hit }
        let rendered = AMZDate(date)
        lastRendered.withLock { $0 = (second, rendered) }
        return rendered
    }

    private static func second(of date: Date) -> Int64 { Int64((date.timeIntervalSince1970).rounded(.down)) }

    package init(_ date: Date) {
        let seconds = Self.second(of: date)
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = CivilDate.date(days: days)
        if (0...9999).contains(year) {
            // Every real signing time: fixed-width digits written as bytes, one allocation instead of a dozen.
            var text: [UInt8] = Array(repeating: UInt8(ascii: "0"), count: 16)
            Self.write(year, width: 4, at: 0, into: &text)
            Self.write(month, width: 2, at: 4, into: &text)
            Self.write(day, width: 2, at: 6, into: &text)
            text[8] = UInt8(ascii: "T")
            Self.write(secondOfDay / 3600, width: 2, at: 9, into: &text)
            Self.write(secondOfDay % 3600 / 60, width: 2, at: 11, into: &text)
            Self.write(secondOfDay % 60, width: 2, at: 13, into: &text)
            text[15] = UInt8(ascii: "Z")
            dateStamp = String(decoding: text[..<8], as: UTF8.self)
            amzDate = String(decoding: text, as: UTF8.self)
            return
        }
        let stamp = Self.pad(year, 4) + Self.pad(month, 2) + Self.pad(day, 2)
        dateStamp = stamp
        amzDate =
            stamp + "T" + Self.pad(secondOfDay / 3600, 2) + Self.pad(secondOfDay % 3600 / 60, 2)
            + Self.pad(secondOfDay % 60, 2) + "Z"
    }

    /// Parses an `x-amz-date` value (`yyyyMMddTHHmmssZ`); nil if it is not exactly that form.
    package static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for byte in bytes[range] {
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int64(byte - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8),
            let hour = number(9..<11), let minute = number(11..<13), let second = number(13..<15),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        let days = CivilDate.days(year: year, month: month, day: day)
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + hour * 3600 + minute * 60 + second))
    }

    /// `value` (0 ≤ value < 10^width) in decimal, zero-padded, into `text[offset..<offset + width]`.
    private static func write(_ value: Int64, width: Int, at offset: Int, into text: inout [UInt8]) {
        var rest = value
        for position in stride(from: offset + width - 1, through: offset, by: -1) {
            text[position] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
