import AWSSigV4
import Testing

@Suite("CivilDate")
struct CivilDateTests {
    @Test func knownDates() {
        #expect(CivilDate.days(year: 1970, month: 1, day: 1) == 0)
        #expect(CivilDate.days(year: 1969, month: 12, day: 31) == -1)
        #expect(CivilDate.days(year: 2000, month: 3, day: 1) == 11_017)
        #expect(CivilDate.days(year: 2024, month: 2, day: 29) == 19_782)
        #expect(CivilDate.date(days: 19_782) == (2024, 2, 29))
        #expect(CivilDate.date(days: -719_468) == (0, 3, 1))
    }

    /// Every day from year -400 to 2800 and back: leap years, century rules and negative eras.
    @Test func daysAndDatesAreInverse() {
        var expected = CivilDate.date(days: -(719_468 + 146_097))
        #expect(expected == (-400, 3, 1))
        for days in Int64(-(719_468 + 146_097))...Int64(303_000) {
            let date = CivilDate.date(days: days)
            if CivilDate.days(year: date.year, month: date.month, day: date.day) != days {
                Issue.record("\(date) is not day \(days)")
            }
            if days > -(719_468 + 146_097) {
                // Consecutive days are consecutive dates.
                let nextInMonth = date.day == expected.day + 1 && date.month == expected.month
                let firstOfMonth = date.day == 1 && (date.month == expected.month % 12 + 1)
                if !(nextInMonth || firstOfMonth) { Issue.record("\(expected) then \(date)") }
            }
            expected = date
        }
    }
}
