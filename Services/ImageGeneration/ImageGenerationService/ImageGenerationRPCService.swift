import GRPCCore
import StylecastProto
import StylecastServiceKit

/// `stylecast.v1.ImageGeneration`: translates messages and calls the service's core.
///
/// The v1 contract is complete in `Protos/`; each RPC answers UNIMPLEMENTED, naming
/// issue #8, until that issue builds it.
public struct ImageGenerationRPCService: Stylecast_V1_ImageGeneration.SimpleServiceProtocol {
    /// Creates the service.
    public init() {}

    public func generate(request: Stylecast_V1_GenerateRequest, context: ServerContext) async throws -> Stylecast_V1_GenerateResponse {
        throw plannedRPC("stylecast.v1.ImageGeneration/Generate", issue: 8)
    }

    public func mixStyles(request: Stylecast_V1_MixStylesRequest, context: ServerContext) async throws -> Stylecast_V1_GenerateResponse {
        throw plannedRPC("stylecast.v1.ImageGeneration/MixStyles", issue: 8)
    }

    public func generateFromTrends(request: Stylecast_V1_GenerateFromTrendsRequest, context: ServerContext) async throws -> Stylecast_V1_GenerateResponse {
        throw plannedRPC("stylecast.v1.ImageGeneration/GenerateFromTrends", issue: 8)
    }
}

/// Builds the image-generation service's parts for ``ServiceMain``.
public enum ImageGenerationServiceBuilder {
    /// The RPC handlers and background work of the image-generation service.
    public static func parts(context: ServiceContext) async throws -> ServiceParts {
        ServiceParts(rpcServices: [ImageGenerationRPCService()])
    }
}
