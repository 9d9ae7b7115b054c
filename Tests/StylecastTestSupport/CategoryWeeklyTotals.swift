import GRPCCore
import StylecastGRPC
import StylecastProto

/// The weekly `launches` (items released) and `sales` (units) of every category in
/// trend-aggregation, summed over the categories and over every source and market: what the
/// end-to-end tests and the chaos drill compare with counts made directly from the VISUELLE files.
public struct CategoryWeeklyTotals: Sendable {
    /// Categories `ListTrends` reported (with or without a stage).
    public var categories: Int
    /// Items per week (`YYYY-MM-DD`, the week's Monday), over all categories.
    public var items: [String: Double]
    /// Sales units per week, over all categories.
    public var sales: [String: Double]

    /// Reads every category's series with `ListTrends` (stage "any": its evidence names every
    /// series) and the raw weekly amounts of each `launches` and `sales` series with `GetSeries`.
    public static func read<Transport: ClientTransport>(
        from service: Stylecast_V1_TrendAggregation.Client<Transport>
    ) async throws -> CategoryWeeklyTotals {
        let trends = try await service.listTrends(.with {
            $0.kind = "category"
            $0.stage = "any"
            $0.limit = 1000
        })
        var totals = CategoryWeeklyTotals(categories: trends.trends.count, items: [:], sales: [:])
        for trend in trends.trends {
            for evidence in trend.evidence where evidence.measure == "launches" || evidence.measure == "sales" {
                let series = try await service.getSeries(.with {
                    $0.kind = "category"
                    $0.value = trend.attribute.value
                    $0.measure = evidence.measure
                    $0.source = evidence.source
                    $0.market = evidence.market
                })
                for point in series.amounts {
                    if evidence.measure == "launches" {
                        totals.items[point.week, default: 0] += point.value
                    } else {
                        totals.sales[point.week, default: 0] += point.value
                    }
                }
            }
        }
        return totals
    }
}
