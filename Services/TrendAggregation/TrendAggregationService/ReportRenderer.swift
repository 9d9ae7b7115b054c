import StylecastErrors

/// Answers `Report`: checks the request, builds the ``TrendReport`` with the style clusters and
/// renders it as HTML (``ReportHTML``), JSON and CSV (``ReportCSV``).
struct ReportRenderer: Sendable {
    /// Most cards per market and direction.
    static let maxCards = 50
    static let defaultCards = 6

    /// The report in its three forms.
    struct Rendered: Sendable {
        var html: String
        var json: String
        var csv: String
    }

    let builder: TrendReportBuilder
    /// The style clusters of every embedded item, computed at most once per
    /// `STYLECAST_TRENDS_CACHE_MS` (one key: they do not depend on the request).
    let clusters: LifetimeCache<Int, StyleClusters>

    /// The report of `market` (empty: every market) at `asOf`.
    /// - Parameters:
    ///   - top: Cards per market and direction; 0 for ``defaultCards``.
    ///   - horizon: Weeks of the forecasts shown; 0 for 12.
    /// - Throws: `InvalidInput` naming `top`, `horizon`, `as_of` or `market`; Redis errors.
    func render(top: Int, horizon: Int, market: String, asOf: String) async throws -> Rendered {
        guard top <= Self.maxCards else {
            throw InvalidInput(field: "top", rule: "must be at most \(Self.maxCards) cards per market and direction, got \(top)")
        }
        guard horizon <= 12 else {
            throw InvalidInput(field: "horizon", rule: "must be at most 12 weeks (the trend forecast's), got \(horizon)")
        }
        let report = try await builder.build(
            cardsPerDirection: top == 0 ? Self.defaultCards : top, horizon: horizon == 0 ? 12 : horizon,
            market: market, asOf: asOf, clusters: try await clusters.get(0))
        return Rendered(html: ReportHTML.render(report), json: (try? report.json()) ?? "{}", csv: ReportCSV.render(report.calls))
    }
}
