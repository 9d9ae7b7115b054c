import Logging
import NIOPosix
import StylecastCalendar
import Synchronization

/// A fixed number of connection slots and as many dedicated threads.
///
/// A command checks a slot out (waiting while all are busy, in arrival order, for at most the
/// configuration's `poolWaitTimeout`), runs on a pool thread with that
/// slot's connection, and checks it back in, so a connection is only ever used by one thread
/// at a time. A slot without a live connection connects on use; failures to connect start an
/// exponential backoff (shared by all slots) during which commands fail at once with
/// ``RedisError/connectionFailed(_:)`` instead of waiting for a connect timeout.
final class ConnectionPool: Sendable {
    private struct Slot: Sendable {
        var connection: RedisConnection?
        /// The pool's epoch when `connection` was made; older connections are presumed dead.
        var epoch: Int
    }

    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Result<Slot, RedisError>, Never>
        /// Fails the wait after `poolWaitTimeout`; cancelled when the waiter is served.
        var timer: Task<Void, Never>?
    }

    private struct State {
        var idle: [Slot]
        var waiters: [Waiter] = []
        var nextWaiterID: UInt64 = 0
        var closed = false
        /// Bumped when a connection is found lost: the server restarted or went away, so the
        /// other idle connections are dropped rather than each failing one command first.
        var epoch = 0
        var backoff: Duration
        var retryAt: ContinuousClock.Instant?
        var lastFailure = ""
    }

    private let configuration: RedisClient.Configuration
    private let logger: Logger
    private let threads: NIOThreadPool
    private let state: Mutex<State>

    init(configuration: RedisClient.Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        let size = Swift.max(1, configuration.poolSize)
        self.threads = NIOThreadPool(numberOfThreads: size)
        self.threads.start()
        self.state = Mutex(
            State(
                idle: Array(repeating: Slot(connection: nil, epoch: 0), count: size),
                backoff: configuration.reconnectBackoff))
    }

    deinit {
        // NIOThreadPool must be shut down before it is released; shutdown() may not have run.
        if !state.withLock({ $0.closed }) {
            threads.shutdownGracefully { _ in }
        }
    }

    /// Runs `body` with a live connection on a pool thread.
    /// - Parameter body: Blocking work on the connection; it must not keep the connection.
    func withConnection<Value: Sendable>(
        _ body: @escaping @Sendable (RedisConnection) throws(RedisError) -> Value
    ) async throws(RedisError) -> Value {
        let slot = try await checkOut()
        let outcome: Result<Value, RedisError>
        var returned = slot
        do {
            let (result, updated) = try await threads.runIfActive { [self] in
                var slot = slot
                let result = self.run(on: &slot, body)
                return (result, slot)
            }
            outcome = result
            returned = updated
        } catch {
            // The work never ran: the task was cancelled first, or the pool shut down.
            outcome = .failure(state.withLock { $0.closed } ? .clientShutDown : .cancelled)
        }
        checkIn(returned)
        return try outcome.get()
    }

    /// Fails waiting and later commands with ``RedisError/clientShutDown``, closes idle
    /// connections and stops the threads once running commands have finished.
    func shutdown() async {
        let (waiters, idle) = state.withLock { state in
            state.closed = true
            defer { (state.waiters, state.idle) = ([], []) }
            return (state.waiters, state.idle)
        }
        for waiter in waiters {
            waiter.timer?.cancel()
            waiter.continuation.resume(returning: .failure(.clientShutDown))
        }
        _ = idle  // released here, outside the lock: their deinit closes the sockets
        try? await threads.shutdownGracefully()
    }

    // MARK: - On a pool thread

    private func run<Value>(
        on slot: inout Slot, _ body: (RedisConnection) throws(RedisError) -> Value
    ) -> Result<Value, RedisError> {
        let currentEpoch = state.withLock { $0.epoch }
        let connection: RedisConnection
        if let live = slot.connection, !live.isBroken, slot.epoch >= currentEpoch {
            connection = live
        } else {
            slot.connection = nil
            do {
                (connection, slot.epoch) = try connect()
            } catch {
                return .failure(error)
            }
            slot.connection = connection
        }
        do {
            return .success(try body(connection))
        } catch {
            if connection.isBroken {
                slot.connection = nil
                if case .connectionLost = error {
                    let lostEpoch = slot.epoch
                    state.withLock { state in
                        if state.epoch == lostEpoch { state.epoch += 1 }
                    }
                    logger.warning(
                        "Redis connection lost",
                        metadata: ["redis": "\(configuration.url)", "error": "\(error)"])
                }
            }
            return .failure(error)
        }
    }

    private func connect() throws(RedisError) -> (RedisConnection, Int) {
        let now = ContinuousClock.now
        let waiting: RedisError? = state.withLock { state in
            guard let retryAt = state.retryAt, now < retryAt else { return nil }
            let left = "\((retryAt - now).wholeMilliseconds) ms"
            return .connectionFailed("\(state.lastFailure) (next attempt in \(left))")
        }
        if let waiting { throw waiting }

        do {
            let connection = try RedisConnection(
                url: configuration.url, connectTimeout: configuration.connectTimeout,
                commandTimeout: configuration.commandTimeout)
            let (epoch, recovered) = state.withLock { state in
                let recovered = state.retryAt != nil
                state.backoff = configuration.reconnectBackoff
                state.retryAt = nil
                return (state.epoch, recovered)
            }
            if recovered {
                logger.info("Redis connection restored", metadata: ["redis": "\(configuration.url)"])
            }
            return (connection, epoch)
        } catch {
            let delay = state.withLock { state in
                let delay = state.backoff
                state.retryAt = ContinuousClock.now + delay
                state.backoff = Swift.min(delay * 2, configuration.maximumReconnectBackoff)
                state.lastFailure = error.description
                return delay
            }
            logger.warning(
                "Redis connect failed",
                metadata: [
                    "redis": "\(configuration.url)", "error": "\(error)",
                    "retry_in_ms": "\(delay.wholeMilliseconds)",
                ])
            throw error
        }
    }

    // MARK: - Check-out and check-in

    private func checkOut() async throws(RedisError) -> Slot {
        let (immediate, id): (Result<Slot, RedisError>?, UInt64) = state.withLock { state in
            if state.closed { return (.failure(.clientShutDown), 0) }
            if let slot = state.idle.popLast() { return (.success(slot), 0) }
            state.nextWaiterID += 1
            return (nil, state.nextWaiterID)
        }
        if let immediate { return try immediate.get() }

        let outcome = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<Slot, RedisError>, Never>) in
                let ready: Result<Slot, RedisError>? = state.withLock { state in
                    if state.closed { return .failure(.clientShutDown) }
                    if let slot = state.idle.popLast() { return .success(slot) }
                    // Checked under the lock: onCancel either ran before (flag set) or
                    // will find the waiter below.
                    if Task.isCancelled { return .failure(.cancelled) }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let ready {
                    continuation.resume(returning: ready)
                    return
                }
                startWaitTimer(for: id)
            }
        } onCancel: {
            let waiter = removeWaiter(id)
            waiter?.timer?.cancel()
            waiter?.continuation.resume(returning: .failure(.cancelled))
        }
        return try outcome.get()
    }

    /// Takes waiter `id` off the queue, or `nil` when it was served (or failed) already.
    private func removeWaiter(_ id: UInt64) -> Waiter? {
        state.withLock { state in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index)
        }
    }

    /// Fails waiter `id` with ``RedisError/poolExhausted(size:waitedMilliseconds:)`` once it has
    /// waited `poolWaitTimeout`, unless it is served (or cancelled) first.
    private func startWaitTimer(for id: UInt64) {
        let timeout = configuration.poolWaitTimeout
        let size = Swift.max(1, configuration.poolSize)
        let timer = Task { [self] in
            try? await Task.sleep(for: timeout)
            guard !Task.isCancelled else { return }
            removeWaiter(id)?.continuation.resume(
                returning: .failure(.poolExhausted(size: size, waitedMilliseconds: timeout.wholeMilliseconds)))
        }
        let stillWaiting = state.withLock { state in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return false }
            state.waiters[index].timer = timer
            return true
        }
        if !stillWaiting { timer.cancel() }
    }

    private func checkIn(_ slot: Slot) {
        let (waiter, released) = state.withLock { state -> (Waiter?, Slot?) in
            if state.closed { return (nil, slot) }
            if !state.waiters.isEmpty { return (state.waiters.removeFirst(), nil) }
            state.idle.append(slot)
            return (nil, nil)
        }
        waiter?.timer?.cancel()
        waiter?.continuation.resume(returning: .success(slot))
        _ = released  // a slot returned after shutdown: its connection closes here
    }
}
