import Logging
import ServiceLifecycle
import StylecastContracts
import StylecastRedis

/// Keeps a ``RecommendationNearCache`` coherent: follows Redis's invalidations of the cache
/// keys (`stylecast:rec:{`) on every Redis primary and applies them, until the service shuts down.
package struct NearCacheInvalidation: Service {
    private let listener: RedisCacheInvalidations
    private let nearCache: RecommendationNearCache

    /// Creates the follower.
    /// - Parameters:
    ///   - redis: The service's Redis client (its address, timeouts and backoff are reused).
    ///   - nearCache: The copies to keep coherent.
    ///   - logger: Logs subscription lost and restored.
    package init(redis: RedisClient, nearCache: RecommendationNearCache, logger: Logger) {
        self.listener = RedisCacheInvalidations(
            client: redis, prefixes: [StylecastKeys.Recommendation.cachePrefix], logger: logger)
        self.nearCache = nearCache
    }

    package func run() async throws {
        let nearCache = self.nearCache
        await cancelWhenGracefulShutdown {
            await listener.run { event in nearCache.apply(event) }
        }
    }
}
