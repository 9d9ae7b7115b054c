import StylecastErrors
import Synchronization

/// The serving status of each gRPC service of a process, observable by the health service.
///
/// The empty name `""` stands for the server as a whole, as the gRPC health protocol defines.
/// Statuses change only through ``set(_:for:)`` and ``setAll(_:)``; watchers see every change.
public final class HealthState: Sendable {
    /// A service's status, mirroring `grpc.health.v1.HealthCheckResponse.ServingStatus`.
    public enum Status: String, Sendable, Equatable {
        case serving = "SERVING"
        case notServing = "NOT_SERVING"
    }

    private struct State {
        var statuses: [String: Status]
        var watchers: [Int: (service: String, continuation: AsyncStream<Status?>.Continuation)] = [:]
        var nextWatcherID = 0
        var draining = false
    }

    private let state: Mutex<State>
    /// Most watch streams open at once; ``watch(_:)`` refuses more.
    public let maxWatchers: Int

    /// Creates the state with every named service, and the server itself, NOT_SERVING.
    /// - Parameters:
    ///   - services: Fully-qualified gRPC service names.
    ///   - maxWatchers: Most watch streams open at once (`STYLECAST_HEALTH_MAX_WATCHERS`).
    public init(services: [String], maxWatchers: Int = 100) {
        var statuses: [String: Status] = ["": .notServing]
        for service in services { statuses[service] = .notServing }
        self.state = Mutex(State(statuses: statuses))
        self.maxWatchers = maxWatchers
    }

    /// The status of a service, `nil` when the service is unknown.
    public func status(of service: String) -> Status? {
        state.withLock { $0.statuses[service] }
    }

    /// Every known service and its status.
    public var all: [String: Status] {
        state.withLock { $0.statuses }
    }

    /// Sets one service's status; a no-op for unknown services, and for SERVING once the
    /// process is draining.
    public func set(_ status: Status, for service: String) {
        state.withLock { state in
            guard let old = state.statuses[service], old != status else { return }
            if status == .serving && state.draining { return }
            state.statuses[service] = status
            for watcher in state.watchers.values where watcher.service == service {
                watcher.continuation.yield(status)
            }
        }
    }

    /// Sets every service, the server included, to one status.
    public func setAll(_ status: Status) {
        for service in all.keys { set(status, for: service) }
    }

    /// Marks every service NOT_SERVING for good: the process is shutting down, and nothing
    /// (such as a readiness check that still sees Redis) may turn it SERVING again.
    public func beginDraining() {
        state.withLock { $0.draining = true }
        setAll(.notServing)
    }

    /// Whether ``beginDraining()`` was called.
    public var isDraining: Bool {
        state.withLock { $0.draining }
    }

    /// A stream that yields the current status at once and then every change. It yields `nil`
    /// for a service that is unknown (`SERVICE_UNKNOWN` in the protocol) and ends when the
    /// consumer stops iterating.
    /// - Throws: ``HealthWatchersFull`` when ``maxWatchers`` streams are open.
    public func watch(_ service: String) throws(HealthWatchersFull) -> AsyncStream<Status?> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: Status?.self, bufferingPolicy: .bufferingNewest(8))
        let id: Int? = state.withLock { state in
            guard state.watchers.count < maxWatchers else { return nil }
            let id = state.nextWatcherID
            state.nextWatcherID += 1
            state.watchers[id] = (service, continuation)
            continuation.yield(state.statuses[service])
            return id
        }
        guard let id else { throw HealthWatchersFull(limit: maxWatchers) }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.watchers.removeValue(forKey: id) }
        }
        return stream
    }

    /// Ends every watch stream (on shutdown, so that Watch calls can complete).
    public func finishWatchers() {
        let continuations = state.withLock { state in
            defer { state.watchers.removeAll() }
            return state.watchers.values.map(\.continuation)
        }
        for continuation in continuations { continuation.finish() }
    }
}

/// A health `Watch` refused because ``HealthState/maxWatchers`` streams are open.
public struct HealthWatchersFull: StylecastError, Equatable {
    /// The limit reached.
    public var limit: Int

    /// Creates the error.
    public init(limit: Int) { self.limit = limit }

    public var failureKind: FailureKind { .overLimit }

    public var description: String {
        "overloaded: \(limit) health Watch streams are open, limit STYLECAST_HEALTH_MAX_WATCHERS=\(limit); use Check, or retry later"
    }
}
