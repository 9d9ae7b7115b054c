import Logging
import ServiceLifecycle
import StylecastRedis
import Synchronization

/// Named conditions a service must meet before it serves, such as `"model"` (weights loaded).
/// Redis reachability is checked by ``ReadinessMonitor`` itself and needs no condition here.
public final class ReadinessConditions: Sendable {
    private let pending: Mutex<Set<String>>

    /// Creates the conditions, all unmet.
    /// - Parameter names: Condition names, e.g. `["model"]`.
    public init(_ names: Set<String> = []) {
        self.pending = Mutex(names)
    }

    /// Adds an unmet condition.
    public func require(_ name: String) {
        pending.withLock { _ = $0.insert(name) }
    }

    /// Marks a condition as met.
    public func satisfy(_ name: String) {
        pending.withLock { _ = $0.remove(name) }
    }

    /// Conditions not met yet, sorted.
    public var unmet: [String] {
        pending.withLock { $0.sorted() }
    }
}

/// Keeps a ``HealthState`` true: every interval it pings Redis and looks at the readiness
/// conditions; all services are SERVING only while Redis answers and every condition is met.
/// On graceful shutdown it marks everything NOT_SERVING (draining) and ends.
public struct ReadinessMonitor: Service {
    private let redis: RedisClient
    private let conditions: ReadinessConditions
    private let health: HealthState
    private let interval: Duration
    private let logger: Logger

    /// Creates the monitor.
    /// - Parameters:
    ///   - redis: Pinged every `interval`.
    ///   - conditions: Must all be met to serve.
    ///   - health: Updated with the outcome.
    ///   - interval: Time between checks.
    ///   - logger: Logs every change of readiness.
    public init(
        redis: RedisClient, conditions: ReadinessConditions, health: HealthState,
        interval: Duration, logger: Logger
    ) {
        self.redis = redis
        self.conditions = conditions
        self.health = health
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        var lastReason: String? = "starting"
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let reason = await notReadyReason()
            if reason != lastReason {
                if let reason {
                    logger.warning("not serving", metadata: ["reason": "\(reason)"])
                } else {
                    logger.info("serving")
                }
                lastReason = reason
            }
            health.setAll(reason == nil ? .serving : .notServing)
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                break
            }
        }
        health.setAll(.notServing)
    }

    /// Why the service cannot serve now, `nil` when it can.
    func notReadyReason() async -> String? {
        do {
            try await redis.ping()
        } catch {
            return "redis: \(error)"
        }
        let unmet = conditions.unmet
        return unmet.isEmpty ? nil : "waiting for \(unmet.joined(separator: ", "))"
    }
}
