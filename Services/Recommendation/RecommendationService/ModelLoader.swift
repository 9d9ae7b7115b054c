import Logging
import ServiceLifecycle
import StylecastServiceKit

/// Background start-up and model sync: loads the stored model, or trains when interactions
/// exist and none is stored, or installs an empty model; until then the service is NOT_SERVING
/// (readiness condition `model`). While Redis is unreachable it retries. Afterwards it polls the
/// stored version every `STYLECAST_REC_MODEL_POLL_MS` and loads a model another replica trained.
package struct ModelLoader: Service {
    private let engine: RecommendationEngine
    private let readiness: ReadinessConditions
    private let pollInterval: Duration
    private let logger: Logger

    /// The readiness condition this loader satisfies.
    package static let condition = "model"

    /// Creates the loader and registers its readiness condition.
    /// - Parameters:
    ///   - engine: Receives the model.
    ///   - readiness: The service's conditions.
    ///   - pollInterval: Time between checks for a newer stored model.
    ///   - logger: Logs failures.
    package init(engine: RecommendationEngine, readiness: ReadinessConditions, pollInterval: Duration, logger: Logger) {
        self.engine = engine
        self.readiness = readiness
        self.pollInterval = pollInterval
        self.logger = logger
        readiness.require(Self.condition)
    }

    package func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                if engine.model == nil {
                    try await engine.loadOrTrain()
                    readiness.satisfy(Self.condition)
                } else {
                    try await engine.reloadIfChanged()
                }
            } catch {
                logger.warning("model load failed; retrying", metadata: ["error": "\(error)"])
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: pollInterval) }
            } catch {
                return
            }
        }
    }
}
