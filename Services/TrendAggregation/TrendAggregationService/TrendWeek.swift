import StylecastCalendar

/// Weeks as the trend series count them: the Monday (UTC) that starts the ISO week, written
/// `YYYY-MM-DD` (StylecastCalendar.CivilDay does the arithmetic).
enum TrendWeek {
    /// The Monday of the week holding `day` (`YYYY-MM-DD`, unpadded parts accepted, anything
    /// after the 10th character ignored), or `nil` when `day` is not a date.
    static func monday(ofDay day: String) -> String? {
        parse(day.prefix(10))?.monday.iso
    }

    /// The Monday of the week holding a Unix time.
    static func monday(ofUnixSeconds seconds: Int64) -> String {
        CivilDay(unixSeconds: seconds).monday.iso
    }

    /// The Monday `weeks` weeks after the Monday `monday`.
    static func adding(weeks: Int, to monday: String) -> String? {
        parse(monday)?.adding(days: 7 * weeks).iso
    }

    /// Every Monday from `first` to `last`, both included.
    static func range(from first: String, through last: String) -> [String] {
        guard let start = parse(first), let end = parse(last), start <= end else { return [] }
        return stride(from: start.daysSinceEpoch, through: end.daysSinceEpoch, by: 7).map {
            CivilDay(daysSinceEpoch: $0).iso
        }
    }

    /// Days since 1970-01-01 of a `YYYY-MM-DD` day.
    static func daysSinceEpoch(_ day: String) -> Int? { parse(day)?.daysSinceEpoch }

    private static func parse(_ text: some StringProtocol) -> CivilDay? {
        let parts = text.split(separator: "-")
        guard parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let date = Int(parts[2]) else {
            return nil
        }
        return CivilDay(year: year, month: month, day: date)
    }
}
