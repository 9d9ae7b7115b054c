/// The backtest protocol of the trend calls, and the two rules they are measured against
/// (docs/trends.md, "Backtest").
///
/// At every 4th week from the first with 64 weeks of history to the last with 12 weeks after it,
/// each series is called from the weeks up to that origin only, and scored against what happened:
/// "up" when the mean of the next 12 weeks is more than 15% above the mean of the same 12 weeks a
/// year earlier, "down" when more than 15% below, "flat" otherwise. Origins whose outcome is
/// unknown (a window with no observed week) are left out, for every rule alike.
public enum TrendBacktest {
    /// Weeks of history an origin needs.
    public static let history = SeasonalGrowth.requiredHistory
    /// Weeks after an origin that are scored.
    public static let horizon = 12
    /// Weeks between origins.
    public static let step = 4
    /// The growth beyond which an outcome (and a momentum call) is up or down.
    public static let threshold = 0.15

    /// The origins (indices of the last known week) of a series of `count` weeks.
    public static func origins(seriesLength count: Int) -> [Int] {
        let last = count - 1 - horizon
        guard last >= history - 1 else { return [] }
        return Array(stride(from: history - 1, through: last, by: step))
    }

    /// What happened after `origin`: the next 12 weeks against the same weeks a year earlier.
    public static func realised(_ series: [Double?], origin: Int) -> TrendDirection? {
        guard let after = mean(series, origin + 1...origin + horizon),
            let before = mean(series, origin + 1 - 52...origin + horizon - 52)
        else { return nil }
        return direction(of: after, against: before)
    }

    /// The momentum baseline: trailing 12-week year-over-year growth above +15% is up, below
    /// -15% down; flat when a window has no observed week.
    public static func momentum(_ series: [Double?], origin: Int) -> TrendDirection {
        guard let recent = mean(series, origin - 11...origin), let lastYear = mean(series, origin - 63...origin - 52) else {
            return .flat
        }
        return direction(of: recent, against: lastYear)
    }

    /// The rule trend-aggregation used before year-over-year growth: the mean of the last 4 weeks
    /// against the 4 before, as a weekly rate, `(level - previous) / previous / 4` (1 when the
    /// previous weeks were 0 and the last are not); at least +2% a week is up, at most -2% down.
    public static func slopeRule(_ series: [Double?], origin: Int) -> TrendDirection {
        guard let level = mean(series, origin - 3...origin), let previous = mean(series, origin - 7...origin - 4) else {
            return .flat
        }
        let slope = previous > 0 ? (level - previous) / previous / 4 : (level > 0 ? 1 : 0)
        return slope >= 0.02 ? .up : slope <= -0.02 ? .down : .flat
    }

    /// Our call at `origin` from the weeks up to it.
    public static func ours(_ series: [Double?], origin: Int, parameters: TrendParameters = .standard) -> TrendCall {
        TrendCall(measure: .interest, values: Array(series[...origin]), parameters: parameters)
    }

    static func direction(of value: Double, against base: Double) -> TrendDirection {
        if value > (1 + threshold) * base { return .up }
        if value < (1 - threshold) * base { return .down }
        return .flat
    }

    static func mean(_ series: [Double?], _ range: ClosedRange<Int>) -> Double? {
        guard range.lowerBound >= 0, range.upperBound < series.count else { return nil }
        let observed = series[range].compactMap { $0 }
        return observed.isEmpty ? nil : observed.reduce(0, +) / Double(observed.count)
    }
}

/// Precision, recall and F1 of three-way calls against outcomes.
public struct CallScore: Sendable, Equatable {
    /// The scores of one class.
    public struct ClassScore: Sendable, Equatable {
        public var precision: Double
        public var recall: Double
        public var f1: Double
        /// Outcomes of this class.
        public var support: Int
        /// Calls of this class.
        public var calls: Int
    }

    /// Per class.
    public var classes: [TrendDirection: ClassScore]
    /// Calls scored.
    public var count: Int

    /// The mean F1 over up, down and flat.
    public var macroF1: Double { TrendDirection.allCases.reduce(0) { $0 + (classes[$1]?.f1 ?? 0) } / 3 }

    /// Scores `pairs` of (call, outcome).
    public init(_ pairs: [(call: TrendDirection, outcome: TrendDirection)]) {
        count = pairs.count
        var classes: [TrendDirection: ClassScore] = [:]
        for direction in TrendDirection.allCases {
            let hits = pairs.count { $0.call == direction && $0.outcome == direction }
            let calls = pairs.count { $0.call == direction }
            let support = pairs.count { $0.outcome == direction }
            let precision = calls > 0 ? Double(hits) / Double(calls) : 0
            let recall = support > 0 ? Double(hits) / Double(support) : 0
            let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
            classes[direction] = ClassScore(precision: precision, recall: recall, f1: f1, support: support, calls: calls)
        }
        self.classes = classes
    }
}
