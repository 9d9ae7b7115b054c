import GRPCCore
import StylecastGRPC
import StylecastProto

/// `grpc.health.v1.Health` over a ``HealthState``: Check, List and Watch as the official
/// protocol defines them (Check of an unknown service is NOT_FOUND; Watch of one streams
/// SERVICE_UNKNOWN).
public struct HealthService: Grpc_Health_V1_Health.SimpleServiceProtocol {
    private let state: HealthState

    /// Serves the statuses held by `state`.
    public init(state: HealthState) {
        self.state = state
    }

    public func check(
        request: Grpc_Health_V1_HealthCheckRequest, context: ServerContext
    ) async throws -> Grpc_Health_V1_HealthCheckResponse {
        guard let status = state.status(of: request.service) else {
            throw RPCError(code: .notFound, message: "unknown service \"\(request.service)\"")
        }
        return .with { $0.status = status.wire }
    }

    public func list(
        request: Grpc_Health_V1_HealthListRequest, context: ServerContext
    ) async throws -> Grpc_Health_V1_HealthListResponse {
        .with { response in
            for (service, status) in state.all {
                response.statuses[service] = .with { $0.status = status.wire }
            }
        }
    }

    public func watch(
        request: Grpc_Health_V1_HealthCheckRequest,
        response: RPCWriter<Grpc_Health_V1_HealthCheckResponse>,
        context: ServerContext
    ) async throws {
        let statuses = try state.watch(request.service)
        // gRPC signals a client's cancel or disconnect through the context, not by cancelling this
        // task: stop iterating then, so the watcher's slot is freed at once.
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await status in statuses {
                    try await response.write(.with { $0.status = status?.wire ?? .serviceUnknown })
                }
            }
            group.addTask { try await context.cancellation.cancelled }
            try await group.next()
            group.cancelAll()
        }
    }
}

extension HealthState.Status {
    var wire: Grpc_Health_V1_HealthCheckResponse.ServingStatus {
        switch self {
        case .serving: .serving
        case .notServing: .notServing
        }
    }
}
