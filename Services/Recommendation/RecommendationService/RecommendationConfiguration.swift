import StylecastClient
import StylecastContracts
import StylecastServiceKit

/// The recommendation service's own settings, from environment variables (documented in
/// docs/operations.md under `### recommendation`).
package struct RecommendationConfiguration: Sendable {
    /// Lifetime of a user's cached recommendations (`STYLECAST_REC_CACHE_TTL_S`, default 300;
    /// 0 turns the cache off).
    package var cacheTimeToLive: Duration
    /// Most cache entries copied into process memory (`STYLECAST_REC_NEAR_CACHE_ENTRIES`,
    /// default 100000, 0-10000000; 0 reads Redis on every lookup). See ``RecommendationNearCache``.
    package var nearCacheEntries: Int
    /// Largest `k` of one call (`STYLECAST_REC_MAX_K`, default 100, 1-1000).
    package var maxK: Int
    /// How many items a cached `Recommend` list holds (`STYLECAST_REC_CACHE_DEPTH`, default 50,
    /// 1-1000; a call for more caches its own k): a call with rules is answered from the cached
    /// list when k of its items pass the rules.
    package var cacheDepth: Int
    /// ALS latent dimension (`STYLECAST_REC_ALS_FACTORS`, default 64, 1-512).
    package var alsFactors: Int
    /// ALS alternating sweeps (`STYLECAST_REC_ALS_ITERATIONS`, default 15, 1-100).
    package var alsIterations: Int
    /// Recency window of the repurchase rule, in days (`STYLECAST_REC_REPURCHASE_DAYS`, default
    /// 28, 0-3650).
    package var repurchaseWindowDays: Int
    /// How often a replica checks Redis for a model trained elsewhere
    /// (`STYLECAST_REC_MODEL_POLL_MS`, default 2000, 100-600000).
    package var modelPollInterval: Duration
    /// How often a replica reads the item state log when it had nothing new
    /// (`STYLECAST_REC_ITEM_STATE_POLL_MS`, default 200, 10-60000): an item marked out of stock
    /// or hidden leaves this replica's lists within about this long.
    package var itemStatePollInterval: Duration
    /// Share of each `Recommend` list, in percent, given to new items the model has not seen and
    /// to items of rising categories and colours (reason `explore`; `STYLECAST_REC_EXPLORE_PERCENT`,
    /// default 0 = off, 0-50). At least one slot when on and k >= 2.
    package var explorePercent: Int
    /// trend-aggregation, which calls the rising attributes `trend_boost` raises
    /// (`STYLECAST_TRENDS_TARGET`, `host:port`, default `127.0.0.1:50055`).
    package var trends: Endpoint
    /// How often the rising attributes are read (`STYLECAST_REC_TRENDS_REFRESH_S`, default 300,
    /// 0-86400; 0 never reads them, so `trend_boost` changes nothing).
    package var trendsRefresh: Duration

    /// Reads and validates the settings.
    /// - Throws: ``ConfigurationError`` naming every invalid variable.
    package static func read(environment: [String: String]) throws(ConfigurationError) -> RecommendationConfiguration {
        var reader = EnvironmentReader(environment: environment)
        let configuration = RecommendationConfiguration(
            cacheTimeToLive: .seconds(reader.integer("STYLECAST_REC_CACHE_TTL_S", default: 300, range: 0...(30 * 86_400))),
            nearCacheEntries: reader.integer("STYLECAST_REC_NEAR_CACHE_ENTRIES", default: 100_000, range: 0...10_000_000),
            maxK: reader.integer("STYLECAST_REC_MAX_K", default: 100, range: 1...1000),
            cacheDepth: reader.integer("STYLECAST_REC_CACHE_DEPTH", default: 50, range: 1...1000),
            alsFactors: reader.integer("STYLECAST_REC_ALS_FACTORS", default: 64, range: 1...512),
            alsIterations: reader.integer("STYLECAST_REC_ALS_ITERATIONS", default: 15, range: 1...100),
            repurchaseWindowDays: reader.integer("STYLECAST_REC_REPURCHASE_DAYS", default: 28, range: 0...3650),
            modelPollInterval: reader.milliseconds("STYLECAST_REC_MODEL_POLL_MS", default: 2000, range: 100...600_000),
            itemStatePollInterval: reader.milliseconds("STYLECAST_REC_ITEM_STATE_POLL_MS", default: 200, range: 10...60_000),
            explorePercent: reader.integer("STYLECAST_REC_EXPLORE_PERCENT", default: 0, range: 0...50),
            trends: reader.parsed(
                "STYLECAST_TRENDS_TARGET", default: StylecastServiceName.trendAggregation.defaultTarget, Endpoint.init(parsing:))
                ?? .defaultEndpoint(of: .trendAggregation),
            trendsRefresh: .seconds(reader.integer("STYLECAST_REC_TRENDS_REFRESH_S", default: 300, range: 0...86_400)))
        guard reader.problems.isEmpty else { throw ConfigurationError(problems: reader.problems) }
        return configuration
    }
}
