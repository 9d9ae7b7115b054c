import GRPCCore
import StylecastProto
import StylecastServiceKit

/// `stylecast.v1.Ingest`: translates messages and calls the service's core.
///
/// The v1 contract is complete in `Protos/`; each RPC answers UNIMPLEMENTED, naming
/// issue #5, until that issue builds it.
public struct IngestRPCService: Stylecast_V1_Ingest.SimpleServiceProtocol {
    /// Creates the service.
    public init() {}

    public func ingestItems(request: GRPCCore.RPCAsyncSequence<Stylecast_V1_FashionItem, any Swift.Error>, context: ServerContext) async throws -> Stylecast_V1_IngestSummary {
        throw plannedRPC("stylecast.v1.Ingest/IngestItems", issue: 5)
    }

    public func ingestInteractions(request: Stylecast_V1_IngestInteractionsRequest, context: ServerContext) async throws -> Stylecast_V1_IngestSummary {
        throw plannedRPC("stylecast.v1.Ingest/IngestInteractions", issue: 5)
    }

    public func getItem(request: Stylecast_V1_GetItemRequest, context: ServerContext) async throws -> Stylecast_V1_FashionItem {
        throw plannedRPC("stylecast.v1.Ingest/GetItem", issue: 5)
    }

    public func ingestSignals(request: GRPCCore.RPCAsyncSequence<Stylecast_V1_SearchInterestSeries, any Swift.Error>, context: ServerContext) async throws -> Stylecast_V1_IngestSummary {
        throw plannedRPC("stylecast.v1.Ingest/IngestSignals", issue: 5)
    }
}

/// Builds the ingest service's parts for ``ServiceMain``.
public enum IngestServiceBuilder {
    /// The RPC handlers and background work of the ingest service.
    public static func parts(context: ServiceContext) async throws -> ServiceParts {
        ServiceParts(rpcServices: [IngestRPCService()])
    }
}
