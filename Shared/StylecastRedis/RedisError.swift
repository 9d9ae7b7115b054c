/// Why a Redis operation failed.
///
/// `connectionFailed`, `connectionLost` and `timeout` mean Redis is (for now) unreachable: the
/// client reconnects by itself, with backoff, on a later command; `poolExhausted` means this
/// client had no free connection in time. The others are answers.
public enum RedisError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No connection could be made (refused, unreachable, `AUTH` or `SELECT` rejected), or the
    /// client is waiting out its reconnect backoff after such a failure. Carries the reason.
    case connectionFailed(String)
    /// An established connection broke while a command was on it (the server closed it or
    /// died). Whether that command ran is unknown. Carries the reason.
    case connectionLost(String)
    /// Redis answered with an error reply; carries its message, e.g. `NOSCRIPT No matching script`.
    case server(String)
    /// No reply arrived within the command timeout; the connection was dropped, and whether
    /// the command ran is unknown. Carries what timed out.
    case timeout(String)
    /// A reply could not be read, or had a shape the caller cannot use. Carries details.
    case protocolError(String)
    /// An argument cannot be used, e.g. an empty command. Carries which and why.
    case invalidArgument(String)
    /// One command or script names keys in different Redis Cluster hash slots, which a cluster
    /// refuses (`CROSSSLOT`); a cluster client raises it before sending. Carries the
    /// command and its keys.
    case crossSlot(command: String, keys: [String])
    /// A setting does not fit the server: a database other than 0 on Redis Cluster, seed nodes
    /// that are not all cluster nodes. Carries what and what to change.
    case misconfigured(String)
    /// Every connection of the pool stayed busy for the client's
    /// ``RedisClient/Configuration/poolWaitTimeout``; nothing was sent. Carries the pool size and
    /// the wait.
    case poolExhausted(size: Int, waitedMilliseconds: Int64)
    /// The task was cancelled while waiting for a connection.
    case cancelled
    /// ``RedisClient/shutdown()`` has been called.
    case clientShutDown

    /// The first word of a server error reply (`NOSCRIPT`, `BUSYGROUP`, `WRONGTYPE`, `ERR`, ...),
    /// or `nil` for other errors.
    public var serverErrorCode: String? {
        guard case .server(let message) = self else { return nil }
        return message.split(separator: " ", maxSplits: 1).first.map(String.init)
    }

    /// Error replies by which Redis says it cannot answer for now: loading its data after a
    /// (re)start (`LOADING`), busy with a script (`BUSY`), out of memory (`OOM`), or a cluster or
    /// replica not ready (`MASTERDOWN`, `TRYAGAIN`, `CLUSTERDOWN`), or a slot still moving after
    /// the cluster client's redirects ran out (`MOVED`, `ASK`, `UNBLOCKED`).
    public static let transientServerErrorCodes: Set<String> = [
        "LOADING", "BUSY", "OOM", "MASTERDOWN", "TRYAGAIN", "CLUSTERDOWN", "MOVED", "ASK", "UNBLOCKED",
    ]

    /// Whether the error means Redis is unavailable for now (worth retrying after a delay): it is
    /// unreachable, or answered with one of ``transientServerErrorCodes`` (as while it loads its
    /// append-only file after a restart), as opposed to an answer that would be the same on retry.
    public var isUnavailable: Bool {
        switch self {
        case .connectionFailed, .connectionLost, .timeout, .poolExhausted: return true
        case .server: return Self.transientServerErrorCodes.contains(serverErrorCode ?? "")
        default: return false
        }
    }

    /// A sentence describing the failure.
    public var description: String {
        switch self {
        case .connectionFailed(let reason): return "Redis connection failed: \(reason)"
        case .connectionLost(let reason): return "Redis connection lost: \(reason)"
        case .server(let message): return "Redis error reply: \(message)"
        case .timeout(let what): return "Redis timed out: \(what)"
        case .protocolError(let details): return "Redis protocol error: \(details)"
        case .invalidArgument(let details): return "invalid Redis argument: \(details)"
        case .crossSlot(let command, let keys):
            return "\(command) names keys in different Redis Cluster hash slots: "
                + keys.map { "'\($0)' (slot \(RedisKey.hashSlot(of: $0)))" }.joined(separator: ", ")
                + "; keys that one command or script touches must share a hash tag"
        case .misconfigured(let details): return "Redis misconfigured: \(details)"
        case .poolExhausted(let size, let waited):
            return "all \(size) Redis connections stayed busy for \(waited) ms "
                + "(STYLECAST_REDIS_POOL_SIZE, STYLECAST_REDIS_POOL_WAIT_MS); nothing was sent"
        case .cancelled: return "Redis operation cancelled"
        case .clientShutDown: return "Redis client is shut down"
        }
    }
}
