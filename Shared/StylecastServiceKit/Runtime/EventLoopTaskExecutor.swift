import NIOCore
import NIOPosix

/// A task executor that runs jobs on SwiftNIO's event loops instead of the Swift concurrency
/// pool.
///
/// gRPC handler tasks run under this preference (``GRPCServerService``), so a request read on
/// an event loop is handled on that same thread and its response written there without a
/// thread hop in either direction: a job enqueued from an event loop stays on it; a job
/// enqueued from elsewhere (a Redis pool thread resuming a continuation) goes to the next loop
/// of the group. Handlers that compute for long (model training, a full ranking) must not
/// block a loop: they hop to the global executor with ``runOffEventLoop(_:)``.
public final class EventLoopTaskExecutor: TaskExecutor {
    private let group: any EventLoopGroup

    /// Creates the executor over an event loop group.
    /// - Parameter group: The loops that run the jobs (the gRPC transport's group).
    public init(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.group = group
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let unownedJob = UnownedJob(job)
        let loop = MultiThreadedEventLoopGroup.currentEventLoop ?? group.next()
        loop.execute { [self] in
            unownedJob.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}

/// Runs CPU-heavy work on the global concurrent executor, off the event loops, and returns its
/// result to the caller's executor.
/// - Parameter body: The work.
/// - Returns: What `body` returns.
public func runOffEventLoop<Value: Sendable, Failure: Error>(
    _ body: @Sendable () async throws(Failure) -> Value
) async throws(Failure) -> Value {
    try await withTaskExecutorPreference(globalConcurrentExecutor, operation: body)
}
