import StylecastErrors

extension WorkQueue {
    /// What a handler's error means for its entry (``WorkQueue/run(until:handler:)``).
    public enum FailureDisposition: Sendable, Equatable {
        /// The world, not the entry, failed for now: Redis or a dependency unavailable (including
        /// Redis out of memory or loading its data), a queue full, a deadline. The same consumer
        /// tries the entry again after a pause; no delivery is spent.
        case temporary
        /// The entry itself is at fault (invalid or unknown input): retrying cannot help, so it
        /// goes to the dead-letter stream at once.
        case permanent
        /// Anything else (a defect, an error of unknown kind): the entry is delivered again after
        /// the claim time, and dead-lettered after ``Configuration/maxDeliveries`` failures.
        case counted

        /// The disposition of `error`: by ``RedisError/isUnavailable`` for Redis errors, by
        /// ``FailureKind`` for other ``StylecastError``s (unavailable, over limit and deadline
        /// exceeded are temporary; invalid input and not found permanent), counted otherwise.
        public init(of error: any Error) {
            if let redis = error as? RedisError {
                self = redis.isUnavailable ? .temporary : .counted
                return
            }
            guard let classified = error as? any StylecastError else {
                self = .counted
                return
            }
            switch classified.failureKind {
            case .unavailable, .overLimit, .deadlineExceeded: self = .temporary
            case .invalidInput, .notFound: self = .permanent
            case .bug: self = .counted
            }
        }
    }
}
