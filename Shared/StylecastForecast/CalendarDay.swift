import StylecastCalendar

/// Dates as whole days since 1970-01-01, the day numbers the new-product models work with
/// (StylecastCalendar.CivilDay does the arithmetic).
enum CalendarDay {
    /// The day number of a `YYYY-MM-DD` date (a longer string is read up to its 10th character,
    /// so `2019-04-17 00:00:00` works), or nil when it is not a real date.
    static func parse(_ text: String) -> Int? {
        CivilDay(iso: text, allowingTrailingText: true)?.daysSinceEpoch
    }

    /// Month 1...12 of a day number.
    static func month(of dayNumber: Int) -> Int { CivilDay(daysSinceEpoch: dayNumber).month }

    /// Weekday 0...6 of a day number, 0 = Monday.
    static func weekday(of dayNumber: Int) -> Int { CivilDay(daysSinceEpoch: dayNumber).weekday }
}
