import TrendAggregationService
import StylecastServiceKit

// The trend-aggregation executable: everything but the wiring lives in TrendAggregationService.
await ServiceMain.run(spec: .trendAggregation, build: TrendAggregationServiceBuilder.parts)
