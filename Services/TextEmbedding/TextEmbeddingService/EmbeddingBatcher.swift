import Logging
import Prometheus
import ServiceLifecycle
import StylecastCalendar
import StylecastErrors
import StylecastText
import Synchronization

/// Dynamic batching: concurrent `Embed` calls are packed into one encoder pass, up to a token
/// budget. Calls that arrive while a pass runs wait for it and share the next (continuous
/// batching, as text-embeddings-inference does). When the encoder is idle, a pass starts at once
/// if any waiting call is interactive (an RPC: someone waits for it); a pass of background calls
/// only (the queue worker's items) first waits up to `maxWait` for company, since the worker
/// hands its items in one by one and a full pass costs less per item.
///
/// A call's texts are never split across passes. The line (``EmbeddingBatchQueue``) is bounded
/// in tokens: past the bound a call is refused with ``EmbeddingQueueError/full``
/// (RESOURCE_EXHAUSTED) instead of growing without limit. A call cancelled while it waits (its
/// deadline passed, its client went away) leaves the line at once with `CancellationError` and
/// costs no encoder time; one already in a pass finishes with it. On graceful shutdown the
/// batcher refuses new calls, finishes the queued ones and stops.
package final class EmbeddingBatcher: Service, Sendable {
    /// The embeddings of one call and where its time went.
    package struct Result: Sendable {
        /// One embedding per text, in order.
        package var embeddings: [SentenceEmbedding]
        /// From submission to the start of its encoder pass.
        package var queueMilliseconds: Double
        /// The encoder pass it was part of.
        package var inferenceMilliseconds: Double
    }

    /// Who waits for a call.
    package enum Caller: Sendable {
        /// A client, for its answer: the call's pass starts as soon as the encoder is free.
        case interactive
        /// The queue worker: the call's pass may wait `maxWait` for others to share it.
        case background
    }

    /// A waiting call: its texts, who waits for it and where its answer goes.
    private struct Call {
        var texts: [TokenizedText]
        var caller: Caller
        var continuation: CheckedContinuation<Result, any Error>
    }

    private typealias Job = EmbeddingBatchQueue<Call>.Job

    private struct State {
        var queue: EmbeddingBatchQueue<Call>
        var wakeUp: CheckedContinuation<Void, Never>?
        /// The run loop's wait for company of background calls, cancelled (ended) by an
        /// interactive call that joins the line.
        var companyWait: Task<Void, Never>?

        /// The run loop's parked wait for work, if any, taken to be resumed.
        mutating func takeWakeUp() -> CheckedContinuation<Void, Never>? {
            defer { wakeUp = nil }
            return wakeUp
        }
    }

    private let engine: EmbeddingEngine
    private let tokenBudget: Int
    private let maxWait: Duration
    private let logger: Logger
    private let callsPerPass: ValueHistogram
    private let tokensPerPass: ValueHistogram
    private let state: Mutex<State>

    /// Creates a batcher.
    /// - Parameters:
    ///   - engine: Runs the passes.
    ///   - tokenBudget: Most tokens in one pass (a single larger call still runs, alone).
    ///   - maxWait: Longest time a pass of ``Caller/background`` calls only waits for others.
    ///   - maxQueuedTokens: Bound on tokens waiting; more is refused.
    ///   - logger: Logs failed passes.
    ///   - metrics: Receives `stylecast_embed_pass_calls` and `stylecast_embed_pass_tokens`
    ///     histograms (calls and tokens per encoder pass).
    package init(
        engine: EmbeddingEngine, tokenBudget: Int, maxWait: Duration, maxQueuedTokens: Int, logger: Logger,
        metrics: PrometheusCollectorRegistry
    ) {
        self.engine = engine
        self.tokenBudget = tokenBudget
        self.maxWait = maxWait
        self.state = Mutex(State(queue: EmbeddingBatchQueue(maxQueuedTokens: maxQueuedTokens)))
        self.logger = logger
        self.callsPerPass = metrics.makeValueHistogram(
            descriptor: MetricNameDescriptor(
                namespace: "stylecast", metricName: "embed_pass", unitName: "calls",
                helpText: "Embed calls sharing one encoder pass"),
            buckets: [1, 2, 4, 8, 16, 32, 64, 128])
        self.tokensPerPass = metrics.makeValueHistogram(
            descriptor: MetricNameDescriptor(
                namespace: "stylecast", metricName: "embed_pass", unitName: "tokens",
                helpText: "Tokens in one encoder pass"),
            buckets: [16, 64, 256, 1024, 4096, 16384])
    }

    /// Queues a call's texts and returns their embeddings once its pass has run.
    /// - Parameters:
    ///   - texts: The call's texts, tokenised.
    ///   - caller: Whether a client waits for the answer (no wait for company) or the queue worker.
    /// - Throws: ``EmbeddingQueueError`` when the queue is full or the service is draining,
    ///   `CancellationError` when the calling task is cancelled before its pass starts, or the
    ///   encoder's error.
    package func embed(_ texts: [TokenizedText], caller: Caller = .interactive) async throws -> Result {
        let tokens = texts.reduce(0) { $0 + $1.ids.count }
        // Written under the state lock once the call is in line, read there by the cancellation
        // handler: whichever takes the lock first, a cancelled call is never left waiting.
        let ticket = Mutex<Int?>(nil)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let refusal: (any Error)? = state.withLock { state in
                    if Task.isCancelled { return CancellationError() }
                    switch state.queue.enqueue(tokens: tokens, at: .now, payload: Call(texts: texts, caller: caller, continuation: continuation)) {
                    case .failure(let error): return error
                    case .success(let id): ticket.withLock { $0 = id }
                    }
                    state.takeWakeUp()?.resume()
                    if caller == .interactive { state.companyWait?.cancel() }
                    return nil
                }
                if let refusal { continuation.resume(throwing: refusal) }
            }
        } onCancel: {
            let left = state.withLock { state in ticket.withLock { $0 }.flatMap { state.queue.cancel($0) } }
            left?.continuation.resume(throwing: CancellationError())
        }
    }

    package func run() async throws {
        await withGracefulShutdownHandler {
            while let jobs = await nextBatch() {
                await runPass(jobs)
            }
        } onGracefulShutdown: {
            self.state.withLock { state in
                state.queue.close()
                state.takeWakeUp()?.resume()
            }
        }
    }

    /// Waits for work, lets a pass of background calls fill up for at most `maxWait`, and takes
    /// the calls that fit the token budget (calls cancelled meanwhile have left the line); `nil`
    /// once closed and empty.
    private func nextBatch() async -> [Job]? {
        while true {
            let (hasWork, closed) = state.withLock { (!$0.queue.jobs.isEmpty, $0.queue.isClosed) }
            if Task.isCancelled {
                // Past the shutdown grace period: fail whatever is left rather than hang.
                let left = state.withLock { $0.queue.drain() }
                for job in left { job.payload.continuation.resume(throwing: EmbeddingQueueError.draining) }
                return nil
            }
            if !hasWork {
                if closed { return nil }
                await withTaskCancellationHandler {
                    await withCheckedContinuation { continuation in
                        let resumeNow = state.withLock { state in
                            if !state.queue.jobs.isEmpty || state.queue.isClosed { return true }
                            state.wakeUp = continuation
                            return false
                        }
                        if resumeNow { continuation.resume() }
                    }
                } onCancel: {
                    state.withLock { $0.takeWakeUp() }?.resume()
                }
                continue
            }
            // A pass of background calls only, below the budget, waits for company; an
            // interactive call that joins cancels the wait.
            let wait: Task<Void, Never>? = state.withLock { state in
                guard maxWait > .zero, !closed, state.queue.queuedTokens < tokenBudget,
                    state.queue.jobs.allSatisfy({ $0.payload.caller == .background })
                else { return nil }
                let wait = Task<Void, Never> { [maxWait] in _ = try? await Task.sleep(for: maxWait) }
                state.companyWait = wait
                return wait
            }
            if let wait {
                await wait.value
                state.withLock { $0.companyWait = nil }
            }
            let batch = state.withLock { $0.queue.takeBatch(tokenBudget: tokenBudget) }
            // Every call of the wait may have been cancelled.
            if !batch.isEmpty { return batch }
        }
    }

    private func runPass(_ jobs: [Job]) async {
        let started = ContinuousClock.now
        callsPerPass.record(Double(jobs.count))
        tokensPerPass.record(Double(jobs.reduce(0) { $0 + $1.tokens }))
        do {
            let embeddings = try await engine.embed(tokenized: jobs.flatMap(\.payload.texts))
            let inference = (ContinuousClock.now - started).milliseconds
            var offset = 0
            for job in jobs {
                let slice = Array(embeddings[offset..<(offset + job.payload.texts.count)])
                offset += job.payload.texts.count
                job.payload.continuation.resume(
                    returning: Result(
                        embeddings: slice, queueMilliseconds: (started - job.enqueued).milliseconds,
                        inferenceMilliseconds: inference))
            }
        } catch {
            logger.error("embedding pass failed", metadata: ["error": "\(error)", "calls": "\(jobs.count)"])
            for job in jobs { job.payload.continuation.resume(throwing: error) }
        }
    }
}

/// Why the batcher refused a call.
package enum EmbeddingQueueError: StylecastError, Equatable {
    /// Too many tokens are waiting; retry later.
    case full(queuedTokens: Int, limit: Int)
    /// The service is shutting down.
    case draining

    package var failureKind: FailureKind {
        switch self {
        case .full: .overLimit
        case .draining: .unavailable
        }
    }

    package var description: String {
        switch self {
        case .full(let queued, let limit):
            "embedding queue full: \(queued) tokens waiting, limit STYLECAST_EMBED_MAX_QUEUED_TOKENS=\(limit); retry later"
        case .draining: "text-embedding is shutting down"
        }
    }
}
