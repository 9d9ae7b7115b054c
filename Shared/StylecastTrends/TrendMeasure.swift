/// What a weekly trend series measures, and so how it is normalised and how much data it needs
/// before it gets a stage (docs/trends.md, "Comparable measures").
public enum TrendMeasure: String, CaseIterable, Sendable, Codable {
    /// Search interest (Google Trends and the like): already a share of all searches in its
    /// market and week, scaled to 0-100 per series, so it is read as it is.
    case interest
    /// Units sold per week after release (VISUELLE's first 12 weeks), as a share of the source's
    /// units in that week and market.
    case sales
    /// Units bought per week (purchase interactions), as a share of the source's purchases.
    case purchases
    /// New items released per week, as a share of the source's releases.
    case launches

    /// Whether weekly values are counts turned into shares of their source's total.
    public var isShare: Bool { self != .interest }

    /// The support a series needs to get a stage.
    ///
    /// - `interest`: a mean of at least 1 (on the 0-100 scale) over the trailing 12 weeks or the
    ///   same 12 weeks a year before; lower is rounding noise.
    /// - `purchases`, `launches`: at least this many events (purchases, items) of the attribute in
    ///   the trailing 12 weeks and the same weeks a year before together.
    /// - `sales`: at least this many products behind the units: items of the attribute launched
    ///   in those windows or the ``salesWeeksPerItem`` - 1 weeks before each (still in their first
    ///   weeks on sale there). One product's sales are never a trend, however many units it sold.
    public var minimumSupport: Double {
        switch self {
        case .interest: 1
        case .sales: 10
        case .purchases: 20
        case .launches: 10
        }
    }

    /// Weeks of sales each launched item contributes (VISUELLE records an item's first 12).
    public static let salesWeeksPerItem = 12

    /// The least volume a source needs in one week and market for that week to be read at all:
    /// weeks below it (the thin first and last weeks of a data set, gaps) are left out, as if
    /// not observed. Search interest has no volume to check.
    public var minimumWeeklyTotal: Double {
        switch self {
        case .interest: 0
        case .sales: 100
        case .purchases: 10
        case .launches: 5
        }
    }
}
