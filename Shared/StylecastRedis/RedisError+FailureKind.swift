import StylecastErrors

extension RedisError: StylecastError {
    /// Unreachable Redis (and a client shutting down or without a free connection in time) is
    /// UNAVAILABLE for callers; server error
    /// replies that mean Redis cannot answer for now (``RedisError/transientServerErrorCodes``:
    /// `LOADING`, `BUSY`, `OOM`, ...) too. Any other answer means Stylecast sent something wrong: a bug.
    public var failureKind: FailureKind {
        switch self {
        case .clientShutDown: .unavailable
        case .cancelled: .deadlineExceeded
        default: isUnavailable ? .unavailable : .bug
        }
    }
}
