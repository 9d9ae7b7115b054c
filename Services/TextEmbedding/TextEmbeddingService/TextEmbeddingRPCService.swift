import GRPCCore
import StylecastProto
import StylecastServiceKit

/// `stylecast.v1.TextEmbedding`: translates messages and calls the service's core.
///
/// The v1 contract is complete in `Protos/`; each RPC answers UNIMPLEMENTED, naming
/// issue #4, until that issue builds it.
public struct TextEmbeddingRPCService: Stylecast_V1_TextEmbedding.SimpleServiceProtocol {
    /// Creates the service.
    public init() {}

    public func embed(request: Stylecast_V1_EmbedRequest, context: ServerContext) async throws -> Stylecast_V1_EmbedResponse {
        throw plannedRPC("stylecast.v1.TextEmbedding/Embed", issue: 4)
    }

    public func tokenize(request: Stylecast_V1_TokenizeRequest, context: ServerContext) async throws -> Stylecast_V1_TokenizeResponse {
        throw plannedRPC("stylecast.v1.TextEmbedding/Tokenize", issue: 4)
    }

    public func extractAttributes(request: Stylecast_V1_ExtractAttributesRequest, context: ServerContext) async throws -> Stylecast_V1_ExtractAttributesResponse {
        throw plannedRPC("stylecast.v1.TextEmbedding/ExtractAttributes", issue: 4)
    }

    public func info(request: Stylecast_V1_InfoRequest, context: ServerContext) async throws -> Stylecast_V1_InfoResponse {
        throw plannedRPC("stylecast.v1.TextEmbedding/Info", issue: 4)
    }
}

/// Builds the text-embedding service's parts for ``ServiceMain``.
public enum TextEmbeddingServiceBuilder {
    /// The RPC handlers and background work of the text-embedding service.
    public static func parts(context: ServiceContext) async throws -> ServiceParts {
        ServiceParts(rpcServices: [TextEmbeddingRPCService()])
    }
}
