import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import ServiceLifecycle

/// Runs a gRPC server as a ServiceLifecycle service. On graceful shutdown it first marks
/// every service NOT_SERVING (so load balancers stop sending), ends health watches, then
/// stops accepting new RPCs and waits for the in-flight ones to finish.
public struct GRPCServerService: Service {
    private let server: GRPCServer<HTTP2ServerTransport.Posix>
    private let health: HealthState
    private let logger: Logger

    /// Wraps a configured server.
    public init(server: GRPCServer<HTTP2ServerTransport.Posix>, health: HealthState, logger: Logger) {
        self.server = server
        self.health = health
        self.logger = logger
    }

    public func run() async throws {
        let server = self.server
        let health = self.health
        let logger = self.logger
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
                let address = try await server.transport.listeningAddress
                logger.info("gRPC listening", metadata: ["address": "\(address)"])
            }
            try await withGracefulShutdownHandler {
                try await server.serve()
            } onGracefulShutdown: {
                logger.info("draining: no new RPCs, finishing in-flight ones")
                health.beginDraining()
                health.finishWatchers()
                server.beginGracefulShutdown()
            }
        }
    }
}
