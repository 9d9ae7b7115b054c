import ServiceLifecycle

/// How a service's queue consumers end together.
public enum WorkerGroup {
    /// Waits for every consumer of `group`. A consumer that ends while the service is not
    /// shutting down (an error retrying cannot fix) cancels the others and its error is thrown:
    /// the service fails as a whole and is restarted, instead of running on with a stream no
    /// longer consumed. On graceful shutdown each consumer finishes the entries in hand and
    /// returns; the group does not cancel one that is still finishing (the service group's
    /// `STYLECAST_SHUTDOWN_GRACE_MS` may, when it runs out).
    /// - Parameter group: The task group running one consumer per child task.
    public static func awaitAll(_ group: inout ThrowingTaskGroup<Void, any Error>) async throws {
        while true {
            do {
                guard try await group.next() != nil else { return }
            } catch {
                group.cancelAll()
                throw error
            }
            if !Task.isShuttingDownGracefully {
                group.cancelAll()
                return
            }
        }
    }
}
