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
    private let handlerPlacement: HandlerPlacement
    private let logger: Logger

    /// Wraps a configured server.
    /// - Parameters:
    ///   - server: The server with its services and interceptors.
    ///   - health: Marked NOT_SERVING when draining starts.
    ///   - handlerPlacement: Where RPC handlers run.
    ///   - logger: Logs the address and the drain.
    public init(
        server: GRPCServer<HTTP2ServerTransport.Posix>, health: HealthState,
        handlerPlacement: HandlerPlacement = .concurrencyPool, logger: Logger
    ) {
        self.server = server
        self.health = health
        self.handlerPlacement = handlerPlacement
        self.logger = logger
    }

    public func run() async throws {
        let server = self.server
        let health = self.health
        let logger = self.logger
        let handlerPlacement = self.handlerPlacement
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
                let address = try await server.transport.listeningAddress
                logger.info("gRPC listening", metadata: ["address": "\(address)"])
            }
            try await withGracefulShutdownHandler {
                switch handlerPlacement {
                case .concurrencyPool:
                    try await server.serve()
                case .eventLoops:
                    // Handler tasks are children of serve() and inherit this preference.
                    try await withTaskExecutorPreference(EventLoopTaskExecutor()) {
                        try await server.serve()
                    }
                }
            } onGracefulShutdown: {
                logger.info("draining: no new RPCs, finishing in-flight ones")
                health.beginDraining()
                health.finishWatchers()
                server.beginGracefulShutdown()
            }
        }
    }
}
