/// What a weekly attribute series counts.
enum TrendMeasure: String, CaseIterable, Sendable {
    /// Units sold per week after release (VISUELLE's 12 weekly sales, x1065).
    case sales
    /// Units bought per week (purchase interactions with a time).
    case purchases
    /// New items released per week (items with a release date).
    case items
    /// Mean search interest per week over the series of the attribute's term (Google Trends).
    case signal

    /// The order `GetSeries` and `ListTrends` pick a measure in when none is asked for.
    static let precedence: [TrendMeasure] = [.sales, .purchases, .items, .signal]
}
