import StylecastCalendar

extension CivilDay {
    /// The Monday of the week this date starts, for search-interest weeks that start on Sunday
    /// (Google Trends) or Monday; `nil` for other weekdays (not a week start).
    var trendsWeekMonday: CivilDay? {
        switch weekday {
        case 0: self
        case 6: adding(days: 1)
        default: nil
        }
    }
}
