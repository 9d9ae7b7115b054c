import StylecastCalendar

/// The weeks of one source in one market that trend calls read (docs/trends.md, "Comparable
/// measures").
///
/// - Search interest: every week from the first to the last with a value.
/// - Count measures: the weeks with volume, less the first and the last (a data set rarely
///   starts on a Monday or ends on a Sunday, so its edge weeks are partial). `sales` also waits
///   for the source's first launches to have had their 12 weeks on sale (first launch week + 11)
///   and ends with its last launch week: past it, only ever fewer items are still in their first
///   12 weeks, and the total sinks with the edge of the data, not with demand. The totals given
///   are all a call may read (for a call at `as_of`, those up to its week), so the rules never
///   look past it: the last week of the totals is left out whether or not more data follows.
/// - Within those weeks, a week whose total is below ``TrendMeasure/minimumWeeklyTotal`` or below
///   a quarter of the median weekly total is not read (as if not observed), and the window is
///   narrowed to the first and last week that is read.
public struct SourceCoverage: Sendable, Equatable {
    /// The first week read (a Monday).
    public var firstWeek: CivilDay
    /// The last week read (a Monday).
    public var lastWeek: CivilDay
    /// Weeks inside the window whose volume is too low to read.
    public var thinWeeks: Set<CivilDay>

    /// Share of the median weekly total a week needs to be read.
    public static let medianShare = 0.25

    /// Creates a window directly.
    public init(firstWeek: CivilDay, lastWeek: CivilDay, thinWeeks: Set<CivilDay> = []) {
        self.firstWeek = firstWeek
        self.lastWeek = lastWeek
        self.thinWeeks = thinWeeks
    }

    /// The window of a source from its weekly totals.
    /// - Parameters:
    ///   - measure: What the totals count.
    ///   - totals: Week (Monday) -> the source's volume in that week and market: events for count
    ///     measures, the number of series with a value for `interest`.
    ///   - launchWeeks: For `sales`, the first and last week the same source and market launched
    ///     items; ignored otherwise.
    /// - Returns: `nil` when no week is left to read.
    public init?(measure: TrendMeasure, totals: [CivilDay: Double], launchWeeks: ClosedRange<CivilDay>? = nil) {
        let observed = totals.filter { $0.value > 0 }.keys
        guard var first = observed.min(), var last = observed.max() else { return nil }
        guard measure.isShare else {
            self.init(firstWeek: first, lastWeek: last)
            return
        }
        first = first.adding(days: 7)
        last = last.adding(days: -7)
        if measure == .sales {
            guard let launchWeeks else { return nil }
            first = max(first, launchWeeks.lowerBound.adding(days: 7 * 11))
            last = min(last, launchWeeks.upperBound)
        }
        guard first <= last else { return nil }
        let weeks = stride(from: first.daysSinceEpoch, through: last.daysSinceEpoch, by: 7).map(CivilDay.init(daysSinceEpoch:))
        let volumes = weeks.map { totals[$0] ?? 0 }.sorted()
        let median = volumes.count % 2 == 1
            ? volumes[volumes.count / 2] : (volumes[volumes.count / 2 - 1] + volumes[volumes.count / 2]) / 2
        let minimum = max(measure.minimumWeeklyTotal, Self.medianShare * median)
        let read = weeks.filter { (totals[$0] ?? 0) >= minimum }
        guard let firstRead = read.first, let lastRead = read.last else { return nil }
        self.init(
            firstWeek: firstRead, lastWeek: lastRead,
            thinWeeks: Set(weeks.filter { $0 > firstRead && $0 < lastRead && (totals[$0] ?? 0) < minimum }))
    }

    /// Every week of the window, first to last.
    public var weeks: [CivilDay] {
        stride(from: firstWeek.daysSinceEpoch, through: lastWeek.daysSinceEpoch, by: 7).map(CivilDay.init(daysSinceEpoch:))
    }

    /// `amounts` on the window's weeks (0 where a week has none), e.g. the launches behind a
    /// sales series' support.
    public func aligned(_ amounts: [CivilDay: Double]) -> [Double?] {
        weeks.map { amounts[$0] ?? 0 }
    }

    /// An attribute's weekly values over the window: its share of the source's total for count
    /// measures, its value as is for `interest`; `nil` for thin weeks and, for `interest`, weeks
    /// without a value.
    /// - Parameters:
    ///   - measure: What the amounts count.
    ///   - amounts: Week -> the attribute's amount (events, or for `interest` the mean value).
    ///   - totals: Week -> the source's total (count measures).
    /// - Returns: (values, counts) aligned with ``weeks``; counts are the attribute's events
    ///   (0 where it had none), empty for `interest`.
    public func series(measure: TrendMeasure, amounts: [CivilDay: Double], totals: [CivilDay: Double])
        -> (values: [Double?], counts: [Double?])
    {
        let weeks = weeks
        guard measure.isShare else { return (weeks.map { amounts[$0] }, []) }
        var values: [Double?] = []
        var counts: [Double?] = []
        values.reserveCapacity(weeks.count)
        counts.reserveCapacity(weeks.count)
        for week in weeks {
            let total = totals[week] ?? 0
            if thinWeeks.contains(week) || total <= 0 {
                values.append(nil)
                counts.append(nil)
            } else {
                let amount = amounts[week] ?? 0
                values.append(amount / total)
                counts.append(amount)
            }
        }
        return (values, counts)
    }
}
