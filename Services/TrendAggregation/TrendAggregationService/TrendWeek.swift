import Foundation

/// Weeks as the trend series count them: the Monday (UTC) that starts the ISO week, written
/// `YYYY-MM-DD`.
enum TrendWeek {
    /// The Monday of the week holding `day` (`YYYY-MM-DD`), or `nil` when `day` is not a date.
    static func monday(ofDay day: String) -> String? {
        let parts = day.prefix(10).split(separator: "-")
        guard parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let date = Int(parts[2]),
            (1...12).contains(month), (1...31).contains(date)
        else { return nil }
        return format(daysSinceEpoch: mondayOf(daysFromCivil(year: year, month: month, day: date)))
    }

    /// The Monday of the week holding a Unix time.
    static func monday(ofUnixSeconds seconds: Int64) -> String {
        let days = Int((Double(seconds) / 86_400).rounded(.down))
        return format(daysSinceEpoch: mondayOf(days))
    }

    /// The Monday `weeks` weeks after the Monday `monday`.
    static func adding(weeks: Int, to monday: String) -> String? {
        guard let days = daysSinceEpoch(monday) else { return nil }
        return format(daysSinceEpoch: days + 7 * weeks)
    }

    /// Every Monday from `first` to `last`, both included.
    static func range(from first: String, through last: String) -> [String] {
        guard let start = daysSinceEpoch(first), let end = daysSinceEpoch(last), start <= end else { return [] }
        return stride(from: start, through: end, by: 7).map { format(daysSinceEpoch: $0) }
    }

    static func daysSinceEpoch(_ day: String) -> Int? {
        let parts = day.split(separator: "-")
        guard parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let date = Int(parts[2]) else {
            return nil
        }
        return daysFromCivil(year: year, month: month, day: date)
    }

    /// 1970-01-01 was a Thursday: day 0 is 3 days after a Monday.
    private static func mondayOf(_ days: Int) -> Int {
        days - ((days % 7 + 7 + 3) % 7)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func format(daysSinceEpoch days: Int) -> String {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return String(format: "%04d-%02d-%02d", year, month, day)
    }
}
