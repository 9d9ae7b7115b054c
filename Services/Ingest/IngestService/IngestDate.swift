import Foundation
import StylecastCalendar

/// Dates as ingest stores them: a calendar day in UTC written `YYYY-MM-DD`.
///
/// Accepted input: `2019-03-04`, `2019/03/04`, `20190304`, ISO-8601 date-times with a zone
/// (`2019-03-04T23:30:00-02:00` is `2019-03-05` in UTC) or without one (read as UTC), and Unix
/// seconds. Years outside 1900-2100 are refused as implausible.
enum IngestDate {
    /// The years a release date may fall in.
    static let plausibleYears = 1900...2100

    /// The UTC day of `text`, or `nil` when it is not a date in an accepted form.
    static func utcDay(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let seconds = Int64(trimmed), trimmed.count > 8 { return utcDay(unixSeconds: seconds) }
        let digits = trimmed.unicodeScalars.filter { CharacterSet.decimalDigits.contains($0) }.count
        if trimmed.count == 8, digits == 8 {
            let chars = Array(trimmed)
            return calendarDay(String(chars[0..<4]), String(chars[4..<6]), String(chars[6..<8]))
        }
        let timeStart = trimmed.firstIndex(where: { $0 == "T" || $0 == " " })
        let datePart = trimmed[..<(timeStart ?? trimmed.endIndex)]
        let parts = datePart.split(separator: datePart.contains("/") ? "/" : "-", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        guard timeStart != nil else { return calendarDay(String(parts[0]), String(parts[1]), String(parts[2])) }
        // A date-time: let Foundation apply the zone, then take the UTC day.
        let normalizedTime = trimmed.replacingOccurrences(of: " ", with: "T")
        for options: ISO8601DateFormatter.Options in [
            [.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds],
        ] {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = options
            if let date = formatter.date(from: normalizedTime) { return utcDay(date) }
            if let date = formatter.date(from: normalizedTime + "Z") { return utcDay(date) }
        }
        return nil
    }

    /// The UTC day of a Unix time.
    static func utcDay(unixSeconds: Int64) -> String? {
        plausible(CivilDay(unixSeconds: unixSeconds))
    }

    private static func utcDay(_ date: Date) -> String? {
        utcDay(unixSeconds: Int64(date.timeIntervalSince1970.rounded(.down)))
    }

    private static func calendarDay(_ year: String, _ month: String, _ day: String) -> String? {
        guard year.count == 4, (1...2).contains(month.count), (1...2).contains(day.count),
            let y = Int(year), let m = Int(month), let d = Int(day)
        else { return nil }
        return calendarDay(year: y, month: m, day: d)
    }

    private static func calendarDay(year: Int, month: Int, day: Int) -> String? {
        CivilDay(year: year, month: month, day: day).flatMap(plausible)
    }

    private static func plausible(_ day: CivilDay) -> String? {
        plausibleYears.contains(day.components.year) ? day.iso : nil
    }
}
