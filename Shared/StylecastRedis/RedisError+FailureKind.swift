import StylecastErrors

extension RedisError: StylecastError {
    /// Unreachable Redis (and a client shutting down) is UNAVAILABLE for callers; server error
    /// replies that mean Redis is overloaded (`OOM`, `BUSY`, `LOADING`, `MASTERDOWN`) too. Any
    /// other answer means Stylecast sent something wrong: a bug.
    public var failureKind: FailureKind {
        switch self {
        case .connectionFailed, .connectionLost, .timeout, .clientShutDown:
            return .unavailable
        case .server:
            let transient: Set<String> = ["OOM", "BUSY", "LOADING", "MASTERDOWN", "TRYAGAIN", "CLUSTERDOWN"]
            return transient.contains(serverErrorCode ?? "") ? .unavailable : .bug
        case .cancelled:
            return .deadlineExceeded
        case .protocolError, .invalidArgument:
            return .bug
        }
    }
}
