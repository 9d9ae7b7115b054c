import StylecastErrors
import StylecastProto

/// Answers `Report`: checks the request, builds the ``TrendReport`` with the style clusters and
/// renders it as HTML (``ReportHTML``), JSON and CSV (``ReportCSV``).
struct ReportRequestHandler: Sendable {
    /// Most cards per market and direction.
    static let maxCards = 50
    static let defaultCards = 6

    let builder: TrendReportBuilder
    /// The style clusters of every embedded item, computed at most once per
    /// `STYLECAST_TRENDS_CACHE_MS` (one key: they do not depend on the request).
    let clusters: LifetimeCache<Int, StyleClusters>

    func report(_ request: Stylecast_V1_ReportRequest) async throws -> Stylecast_V1_ReportResponse {
        guard request.top <= Self.maxCards else {
            throw InvalidInput(field: "top", rule: "must be at most \(Self.maxCards) cards per market and direction, got \(request.top)")
        }
        guard request.horizon <= 12 else {
            throw InvalidInput(field: "horizon", rule: "must be at most 12 weeks (the trend forecast's), got \(request.horizon)")
        }
        let report = try await builder.build(
            cardsPerDirection: request.top == 0 ? Self.defaultCards : Int(request.top),
            horizon: request.horizon == 0 ? 12 : Int(request.horizon), market: request.market, asOf: request.asOf,
            clusters: try await clusters.get(0))
        return .with {
            $0.html = ReportHTML.render(report)
            $0.json = (try? report.json()) ?? "{}"
            $0.csv = ReportCSV.render(report.calls)
        }
    }
}
