import GRPCCore
import StylecastGRPC
import StylecastProto
import StylecastServiceKit

/// `stylecast.v1.Recommendation`: translates messages and calls the ``RecommendationEngine``.
///
/// Runs on the event loops (``HandlerPlacement/eventLoops``): everything but a cache hit moves
/// to the global executor with `runOffEventLoop`.
package struct RecommendationRPCService: Stylecast_V1_Recommendation.SimpleServiceProtocol {
    private let engine: RecommendationEngine

    /// Creates the service.
    /// - Parameter engine: The core.
    package init(engine: RecommendationEngine) {
        self.engine = engine
    }

    package func recommend(request: Stylecast_V1_RecommendRequest, context: ServerContext) async throws -> Stylecast_V1_RecommendResponse {
        try await engine.recommend(
            userID: request.userID, k: request.k, rules: ListRules(request.rules), context: request.contextItemIds,
            surface: Surface.validated(request.surface), trendBoost: request.trendBoost)
    }

    package func similarItems(request: Stylecast_V1_SimilarItemsRequest, context: ServerContext) async throws -> Stylecast_V1_RecommendResponse {
        let rules = try ListRules(request.rules)
        let surface = try Surface.validated(request.surface)
        return try await runOffEventLoop {
            try engine.similarItems(itemID: request.itemID, k: request.k, rules: rules, surface: surface)
        }
    }

    package func completeTheLook(request: Stylecast_V1_CompleteTheLookRequest, context: ServerContext) async throws -> Stylecast_V1_RecommendResponse {
        let rules = try ListRules(request.rules)
        let surface = try Surface.validated(request.surface)
        return try await runOffEventLoop {
            try engine.completeTheLook(itemID: request.itemID, k: request.k, rules: rules, surface: surface)
        }
    }

    package func refresh(request: Stylecast_V1_RefreshRequest, context: ServerContext) async throws -> Stylecast_V1_RefreshResponse {
        let model = try await runOffEventLoop { try await engine.refresh() }
        return .with {
            $0.users = UInt64(model.users.count)
            $0.items = UInt64(model.items.count)
            $0.interactions = UInt64(model.interactionCount)
            $0.trainingMs = model.trainingMilliseconds
        }
    }
}

/// Builds the recommendation service's parts for ``ServiceMain``: reads its settings, then a
/// background loader brings the model (stored, trained or empty; NOT_SERVING until then) and
/// the worker follows the interaction and embedded-item streams, the item-state follower the
/// item state log.
package enum RecommendationServiceBuilder {
    /// The RPC handlers and background work of the recommendation service.
    package static func parts(context: ServiceContext) async throws -> ServiceParts {
        let configuration = try RecommendationConfiguration.read(environment: context.environment)
        let engine = RecommendationEngine(
            configuration: configuration, redis: context.redis, partitions: context.configuration.streamPartitions,
            logger: context.logger, metrics: context.metrics)
        let loader = ModelLoader(
            engine: engine, readiness: context.readiness, pollInterval: configuration.modelPollInterval,
            logger: context.logger)
        let worker = try RecommendationWorker(
            redis: context.redis, partitions: context.configuration.streamPartitions,
            consumer: context.configuration.consumerName,
            claimIdle: context.configuration.queueClaimIdle, maxDeliveries: context.configuration.queueMaxDeliveries,
            engine: engine, logger: context.logger)
        let itemState = ItemStateFollower(
            redis: context.redis, engine: engine, pollInterval: configuration.itemStatePollInterval, logger: context.logger)
        let trendCalls = configuration.trendsRefresh > .zero
            ? try TrendCallFollower(
                engine: engine, trends: configuration.trends, interval: configuration.trendsRefresh, logger: context.logger)
            : nil
        let invalidation = engine.nearCache.map {
            NearCacheInvalidation(redis: context.redis, nearCache: $0, logger: context.logger)
        }
        // Cache hits are the hot path: handled on the event loops; rankings, training and
        // similarity searches move off them (runOffEventLoop).
        return ServiceParts(
            rpcServices: [RecommendationRPCService(engine: engine)], backgroundServices: [loader, worker, itemState] + (invalidation.map { [$0] } ?? [])
                + (trendCalls.map { [$0] } ?? []),
            handlerPlacement: .eventLoops)
    }
}
