/// One member of the exponential-smoothing (ETS) state-space family with additive errors.
///
/// Names follow Hyndman et al. (2008): `ETS(A,N,N)` is simple exponential smoothing,
/// `ETS(A,A,N)` Holt's linear trend, `ETS(A,Ad,N)` the damped trend, `ETS(A,A,A)` and
/// `ETS(A,A,M)` additive and multiplicative Holt-Winters.
public struct ETSModel: Sendable, Hashable, CustomStringConvertible {
    /// The trend component.
    public enum Trend: Sendable, Hashable, CaseIterable {
        /// No trend.
        case none
        /// A linear (additive) trend.
        case additive
        /// An additive trend damped by a factor 0.8 < phi < 0.98 per step.
        case additiveDamped
    }

    /// The seasonal component.
    public enum Season: Sendable, Hashable, CaseIterable {
        /// Not seasonal.
        case none
        /// Seasonal offsets added to the level.
        case additive
        /// Seasonal factors multiplying the level (strictly positive series only).
        case multiplicative
    }

    /// The trend component.
    public var trend: Trend
    /// The seasonal component.
    public var season: Season

    /// Creates a model description.
    /// - Parameters:
    ///   - trend: The trend component.
    ///   - season: The seasonal component.
    public init(trend: Trend, season: Season) {
        self.trend = trend
        self.season = season
    }

    /// Simple exponential smoothing, ETS(A,N,N).
    public static let simple = ETSModel(trend: .none, season: .none)
    /// Holt's linear trend, ETS(A,A,N).
    public static let holt = ETSModel(trend: .additive, season: .none)
    /// The additive damped trend, ETS(A,Ad,N).
    public static let damped = ETSModel(trend: .additiveDamped, season: .none)

    /// The conventional name, e.g. `"ETS(A,Ad,M)"`.
    public var description: String {
        let t = switch trend {
        case .none: "N"
        case .additive: "A"
        case .additiveDamped: "Ad"
        }
        let s = switch season {
        case .none: "N"
        case .additive: "A"
        case .multiplicative: "M"
        }
        return "ETS(A,\(t),\(s))"
    }

    var hasTrend: Bool { trend != .none }
    var isSeasonal: Bool { season != .none }
}
