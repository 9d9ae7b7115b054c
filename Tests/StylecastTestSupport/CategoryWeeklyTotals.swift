import GRPCCore
import StylecastProto

/// The weekly `items` and `sales` of every category in trend-aggregation, summed over the
/// categories: what the end-to-end tests and the chaos drill compare with counts made directly
/// from the VISUELLE files.
public struct CategoryWeeklyTotals: Sendable {
    /// Categories `ListTrends` reported.
    public var categories: Int
    /// Items per week (`YYYY-MM-DD`, the week's Monday), over all categories.
    public var items: [String: Double]
    /// Sales units per week, over all categories.
    public var sales: [String: Double]

    /// Reads every category's series with `ListTrends` and `GetSeries` (a category without a
    /// series of a measure adds nothing to it).
    public static func read<Transport: ClientTransport>(
        from service: Stylecast_V1_TrendAggregation.Client<Transport>
    ) async throws -> CategoryWeeklyTotals {
        let trends = try await service.listTrends(.with { $0.kind = "category"; $0.limit = 1000 })
        var totals = CategoryWeeklyTotals(categories: trends.trends.count, items: [:], sales: [:])
        for trend in trends.trends {
            for measure in ["items", "sales"] {
                let series: Stylecast_V1_GetSeriesResponse
                do {
                    series = try await service.getSeries(.with {
                        $0.kind = "category"
                        $0.value = trend.attribute.value
                        $0.measure = measure
                    })
                } catch let error as RPCError where error.code == .notFound {
                    continue
                }
                for point in series.history {
                    if measure == "items" {
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
