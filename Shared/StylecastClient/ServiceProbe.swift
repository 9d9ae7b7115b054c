import GRPCCore
import GRPCNIOTransportHTTP2
import StylecastGRPC
import StylecastProto

/// Health and reflection queries against a running service, as operators and tests use them.
public struct ServiceProbe: Sendable {
    private let client: GRPCClient<HTTP2ClientTransport.Posix>

    /// Wraps a connected client.
    public init(client: GRPCClient<HTTP2ClientTransport.Posix>) {
        self.client = client
    }

    /// The `grpc.health.v1` status of a service, `""` for the whole server.
    /// - Parameters:
    ///   - service: Fully-qualified service name, or empty.
    ///   - timeout: Deadline of the call.
    /// - Returns: `"SERVING"`, `"NOT_SERVING"`, `"UNKNOWN"` or `"SERVICE_UNKNOWN"`.
    public func health(service: String = "", timeout: Duration = .seconds(2)) async throws -> String {
        let health = Grpc_Health_V1_Health.Client(wrapping: client)
        var options = CallOptions.defaults
        options.timeout = timeout
        let response = try await health.check(.with { $0.service = service }, options: options)
        return Self.name(of: response.status)
    }

    /// Follows `grpc.health.v1.Health/Watch` until the server ends the stream, calling
    /// `onStatus` with each status as it arrives.
    /// - Parameters:
    ///   - service: Fully-qualified service name, or empty for the whole server.
    ///   - onStatus: Receives `"SERVING"`, `"NOT_SERVING"`, `"SERVICE_UNKNOWN"` or `"UNKNOWN"`.
    /// - Returns: Every status received, in order.
    public func watchHealth(
        service: String = "", onStatus: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws -> [String] {
        let health = Grpc_Health_V1_Health.Client(wrapping: client)
        return try await health.watch(.with { $0.service = service }) { response in
            var seen: [String] = []
            for try await message in response.messages {
                let status = Self.name(of: message.status)
                seen.append(status)
                onStatus(status)
            }
            return seen
        }
    }

    private static func name(of status: Grpc_Health_V1_HealthCheckResponse.ServingStatus) -> String {
        switch status {
        case .serving: "SERVING"
        case .notServing: "NOT_SERVING"
        case .serviceUnknown: "SERVICE_UNKNOWN"
        case .unknown, .UNRECOGNIZED: "UNKNOWN"
        }
    }

    /// The services the server registers, by server reflection.
    public func services(timeout: Duration = .seconds(5)) async throws -> [String] {
        let reflection = Grpc_Reflection_V1alpha_ServerReflection.Client(wrapping: client)
        var options = CallOptions.defaults
        options.timeout = timeout
        return try await reflection.serverReflectionInfo(
            options: options,
            requestProducer: { writer in
                try await writer.write(.with { $0.listServices = "" })
            },
            onResponse: { response in
                var names: [String] = []
                for try await message in response.messages {
                    if case .errorResponse(let error) = message.messageResponse {
                        throw RPCError(code: .internalError, message: "reflection error \(error.errorCode): \(error.errorMessage)")
                    }
                    names += message.listServicesResponse.service.map(\.name)
                }
                return names.sorted()
            })
    }
}
