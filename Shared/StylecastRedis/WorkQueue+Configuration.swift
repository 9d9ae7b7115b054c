extension WorkQueue {
    /// How a consumer claims, retries and gives up on entries.
    public struct Configuration: Sendable {
        /// How long an entry must have been pending (delivered, not acknowledged) before
        /// another consumer may claim it. Must exceed the longest time a handler takes, or a
        /// slow entry is handled twice (harmless for idempotent consumers, but wasted).
        public var claimIdleTime: Duration
        /// Deliveries after which a failing entry goes to the dead-letter stream (at least 1).
        public var maxDeliveries: Int
        /// The stream failed entries are moved to. It must share the work stream's hash tag,
        /// e.g. `stylecast:{items.ingested}:dead` for `stylecast:{items.ingested}`.
        public var deadLetterStream: String
        /// How long a read waits for new entries when there is nothing to do; also bounds how
        /// long ``WorkQueue/run(handler:)`` takes to notice cancellation.
        public var blockTime: Duration
        /// Most entries read or claimed at once.
        public var batchSize: Int
        /// Pause before retrying after Redis was unreachable, and the first pause before a
        /// handler's temporary failure is tried again, in ``WorkQueue/run(until:handler:)``.
        public var retryDelay: Duration
        /// The longest pause between tries of a temporary failure (the pause doubles up to it).
        public var maximumRetryDelay: Duration
        /// Entries of a batch handled at once (at least 1). With 1 they are handled in stream
        /// order; with more, up to this many handlers run together (order within a batch is
        /// lost), so a handler that waits (on Redis, or on an encoder pass shared with others)
        /// overlaps the others: a worker whose handlers feed a batching encoder fills its passes.
        public var concurrency: Int

        /// Creates a configuration.
        /// - Parameters:
        ///   - claimIdleTime: Pending time before a claim (default 30 s).
        ///   - maxDeliveries: Deliveries before dead-lettering (default 5).
        ///   - deadLetterStream: The dead-letter stream key (same hash tag as the stream).
        ///   - blockTime: Wait for new entries per read (default 1 s).
        ///   - batchSize: Entries per read or claim (default 32).
        ///   - retryDelay: Pause after a Redis outage, first pause after a temporary failure (default 250 ms).
        ///   - maximumRetryDelay: Longest pause after temporary failures (default 5 s).
        ///   - concurrency: Entries of a batch handled at once (default 1: in order).
        public init(
            claimIdleTime: Duration = .seconds(30), maxDeliveries: Int = 5, deadLetterStream: String,
            blockTime: Duration = .seconds(1), batchSize: Int = 32,
            retryDelay: Duration = .milliseconds(250), maximumRetryDelay: Duration = .seconds(5), concurrency: Int = 1
        ) {
            self.claimIdleTime = claimIdleTime
            self.maxDeliveries = maxDeliveries
            self.deadLetterStream = deadLetterStream
            self.blockTime = blockTime
            self.batchSize = batchSize
            self.retryDelay = retryDelay
            self.maximumRetryDelay = Swift.max(maximumRetryDelay, retryDelay)
            self.concurrency = concurrency
        }
    }
}
