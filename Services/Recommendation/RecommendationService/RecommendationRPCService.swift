import GRPCCore
import StylecastProto
import StylecastServiceKit

/// `stylecast.v1.Recommendation`: translates messages and calls the service's core.
///
/// The v1 contract is complete in `Protos/`; each RPC answers UNIMPLEMENTED, naming
/// issue #7, until that issue builds it.
public struct RecommendationRPCService: Stylecast_V1_Recommendation.SimpleServiceProtocol {
    /// Creates the service.
    public init() {}

    public func recommend(request: Stylecast_V1_RecommendRequest, context: ServerContext) async throws -> Stylecast_V1_RecommendResponse {
        throw plannedRPC("stylecast.v1.Recommendation/Recommend", issue: 7)
    }

    public func similarItems(request: Stylecast_V1_SimilarItemsRequest, context: ServerContext) async throws -> Stylecast_V1_RecommendResponse {
        throw plannedRPC("stylecast.v1.Recommendation/SimilarItems", issue: 7)
    }

    public func completeTheLook(request: Stylecast_V1_CompleteTheLookRequest, context: ServerContext) async throws -> Stylecast_V1_RecommendResponse {
        throw plannedRPC("stylecast.v1.Recommendation/CompleteTheLook", issue: 7)
    }

    public func refresh(request: Stylecast_V1_RefreshRequest, context: ServerContext) async throws -> Stylecast_V1_RefreshResponse {
        throw plannedRPC("stylecast.v1.Recommendation/Refresh", issue: 7)
    }
}

/// Builds the recommendation service's parts for ``ServiceMain``.
public enum RecommendationServiceBuilder {
    /// The RPC handlers and background work of the recommendation service.
    public static func parts(context: ServiceContext) async throws -> ServiceParts {
        ServiceParts(rpcServices: [RecommendationRPCService()])
    }
}
