import Foundation
import StylecastCalendar
import Testing

@Suite("Civil days")
struct CivilDayTests {
    @Test("every day from 1900 to 2100 round-trips and agrees with Foundation's UTC calendar")
    func agreesWithFoundation() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        let first = try #require(CivilDay(iso: "1900-01-01"))
        let last = try #require(CivilDay(iso: "2100-12-31"))
        var mismatches = 0
        for number in first.daysSinceEpoch...last.daysSinceEpoch {
            let day = CivilDay(daysSinceEpoch: number)
            let parts = calendar.dateComponents(
                [.year, .month, .day, .weekday], from: Date(timeIntervalSince1970: TimeInterval(day.unixTime)))
            let (year, month, date) = day.components
            // Foundation: 1 = Sunday ... 7 = Saturday; ours: 0 = Monday ... 6 = Sunday.
            let weekday = ((parts.weekday ?? 0) + 5) % 7
            if parts.year != year || parts.month != month || parts.day != date || weekday != day.weekday
                || CivilDay(iso: day.iso) != day
            {
                mismatches += 1
            }
        }
        #expect(mismatches == 0)
        #expect(last.daysSinceEpoch - first.daysSinceEpoch + 1 == 73_414)
    }

    @Test("ISO parsing is strict unless trailing text is allowed")
    func parsing() {
        #expect(CivilDay(iso: "2020-02-29")?.iso == "2020-02-29")
        #expect(CivilDay(iso: "2019-02-29") == nil)
        #expect(CivilDay(iso: "2019-13-01") == nil)
        #expect(CivilDay(iso: "2019-1-01") == nil)
        #expect(CivilDay(iso: "2019-04-17 00:00:00") == nil)
        #expect(CivilDay(iso: "2019-04-17 00:00:00", allowingTrailingText: true)?.iso == "2019-04-17")
        #expect(CivilDay(iso: "２０１９-04-17") == nil)
    }

    @Test("Mondays, Unix times before and after 1970, and day arithmetic")
    func arithmetic() throws {
        let wednesday = try #require(CivilDay(iso: "2020-09-16"))
        #expect(wednesday.weekday == 2)
        #expect(wednesday.monday.iso == "2020-09-14")
        #expect(wednesday.monday.monday == wednesday.monday)
        #expect(wednesday.adding(days: 20).iso == "2020-10-06")
        #expect(CivilDay(unixSeconds: 0).iso == "1970-01-01")
        #expect(CivilDay(unixSeconds: -1).iso == "1969-12-31")
        #expect(CivilDay(unixSeconds: 1_600_214_399).iso == "2020-09-15")
        #expect(CivilDay(year: 2019, month: 4, day: 31) == nil)
    }
}
